/// The parts of a DNS message (RFC 1035) the embedded server needs: the header and a single
/// question on the way in; a header, the question and A records on the way out.
struct DNSQuery: Equatable {
    var id: UInt16
    /// The query's flags word (opcode, RD…), echoed in parts into the response.
    var flags: UInt16
    /// The question name, lowercased, without the trailing dot ("web.myproject").
    var name: String
    var type: UInt16
    var questionClass: UInt16
    /// The question section exactly as received, copied into the response.
    var questionBytes: ArraySlice<UInt8>

    static let typeA: UInt16 = 1
    static let typeAAAA: UInt16 = 28
    static let classInternet: UInt16 = 1

    var opcode: UInt16 { (flags >> 11) & 0xF }
    var isResponse: Bool { flags & 0x8000 != 0 }

    enum ParseError: Error, Equatable {
        /// Too short or malformed to answer at all: drop it.
        case unreadable
        /// Readable header, but not one question we can parse: answer FORMERR with this id.
        case malformed(id: UInt16, flags: UInt16)
    }

    /// Parses a query; compression pointers are refused in the question (queries never use
    /// them, and refusing them rules out pointer loops).
    init(_ bytes: [UInt8]) throws(ParseError) {
        guard bytes.count >= 12 else { throw .unreadable }
        func word(_ at: Int) -> UInt16 { UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1]) }
        id = word(0)
        flags = word(2)
        guard word(4) == 1 else { throw .malformed(id: id, flags: flags) }
        var offset = 12
        var labels: [String] = []
        var totalLength = 0
        while true {
            guard offset < bytes.count else { throw .malformed(id: id, flags: flags) }
            let length = Int(bytes[offset])
            offset += 1
            if length == 0 { break }
            totalLength += length + 1
            guard length < 64, totalLength <= 255, offset + length <= bytes.count else {
                throw .malformed(id: id, flags: flags)
            }
            labels.append(String(decoding: bytes[offset..<offset + length], as: UTF8.self).lowercased())
            offset += length
        }
        guard offset + 4 <= bytes.count else { throw .malformed(id: id, flags: flags) }
        type = word(offset)
        questionClass = word(offset + 2)
        questionBytes = bytes[12..<offset + 4]
        name = labels.joined(separator: ".")
    }
}
