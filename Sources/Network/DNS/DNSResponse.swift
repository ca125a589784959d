/// Builds a response to a `DNSQuery`.
struct DNSResponse {
    enum ResponseCode: UInt16 {
        case noError = 0
        case formatError = 1
        case serverFailure = 2
        case nameError = 3  // NXDOMAIN
        case notImplemented = 4
        case refused = 5
    }

    /// - Parameters:
    ///   - authoritative: set AA (we are the authority for the stack's names).
    ///   - ttl: seconds; short, because containers come and go.
    static func encode(
        id: UInt16, queryFlags: UInt16, code: ResponseCode, question: ArraySlice<UInt8>?,
        answers: [IPv4Address] = [], authoritative: Bool, ttl: UInt32 = 0
    ) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(12 + (question?.count ?? 0) + answers.count * 16)
        func word(_ value: UInt16) {
            bytes.append(UInt8(value >> 8))
            bytes.append(UInt8(value & 0xFF))
        }
        word(id)
        // QR, the query's opcode and RD; AA when authoritative; RA stays 0 (no recursion).
        var flags: UInt16 = 0x8000 | (queryFlags & 0x7800) | (queryFlags & 0x0100) | code.rawValue
        if authoritative { flags |= 0x0400 }
        word(flags)
        word(question == nil ? 0 : 1)
        word(UInt16(answers.count))
        word(0)
        word(0)
        if let question { bytes.append(contentsOf: question) }
        for address in answers {
            word(0xC00C)  // a pointer to the question name at offset 12
            word(DNSQuery.typeA)
            word(DNSQuery.classInternet)
            word(UInt16(ttl >> 16))
            word(UInt16(ttl & 0xFFFF))
            word(4)
            bytes.append(contentsOf: address.bytes)
        }
        return bytes
    }
}
