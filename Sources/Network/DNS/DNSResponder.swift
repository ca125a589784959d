/// Decides the answer to one DNS query, with no I/O: A records for known names, NODATA for
/// other types of a known name, NXDOMAIN for unknown names in the stack's domain (and for
/// single-label names), REFUSED for everything else (nothing is forwarded off the machine).
public struct DNSResponder: Sendable {
    /// The stack's domain ("myproject"); names are known with or without it.
    public let domain: String
    public let records: DNSRecords

    public init(domain: String, records: DNSRecords) {
        self.domain = DNSRecords.normalise(domain)
        self.records = records
    }

    /// The response bytes for a query's bytes, or nil when the packet is not worth answering
    /// (too short, or itself a response).
    public func respond(to packet: [UInt8]) -> [UInt8]? {
        let query: DNSQuery
        do {
            query = try DNSQuery(packet)
        } catch {
            guard case .malformed(let id, let flags) = error, flags & 0x8000 == 0 else { return nil }
            return DNSResponse.encode(
                id: id, queryFlags: flags, code: .formatError, question: nil, authoritative: false)
        }
        if query.isResponse { return nil }
        guard query.opcode == 0 else {
            return DNSResponse.encode(
                id: query.id, queryFlags: query.flags, code: .notImplemented, question: query.questionBytes,
                authoritative: false)
        }
        guard let relative = relativeName(query.name) else {
            return DNSResponse.encode(
                id: query.id, queryFlags: query.flags, code: .refused, question: query.questionBytes,
                authoritative: false)
        }
        guard query.questionClass == DNSQuery.classInternet, let addresses = records.lookup(relative) else {
            return DNSResponse.encode(
                id: query.id, queryFlags: query.flags, code: .nameError, question: query.questionBytes,
                authoritative: true)
        }
        // NODATA (no error, no answer) for AAAA and other types: musl takes an NXDOMAIN on
        // AAAA as "no such name" and would drop the A answer too.
        let answers = query.type == DNSQuery.typeA ? addresses : []
        return DNSResponse.encode(
            id: query.id, queryFlags: query.flags, code: .noError, question: query.questionBytes, answers: answers,
            authoritative: true)
    }

    /// The name relative to the stack's domain ("web" for "web.myproject" and for "web"),
    /// the full name when it is in the table as is, or nil when the name is not ours.
    private func relativeName(_ name: String) -> String? {
        if name.isEmpty { return nil }
        if name.hasSuffix("." + domain) { return String(name.dropLast(domain.count + 1)) }
        if !name.contains(".") { return name }
        if let other = records.domain(of: name) { return String(name.dropLast(other.count + 1)) }
        // Dotted names the caller registered as they are (aliases such as "db.internal").
        return records.contains(name) ? name : nil
    }
}
