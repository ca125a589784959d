/// IPv4 text forms, parsed without the C library.
enum IPv4 {
    static func parse(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isNumber), let octet = UInt32(part), octet <= 255
            else { return nil }
            value = value << 8 | octet
        }
        return value
    }

    /// `a.b.c.d/n` as (network address, prefix length).
    static func parseSubnet(_ text: String) -> (address: UInt32, prefix: Int)? {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let address = parse(String(parts[0])), let prefix = Int(parts[1]),
            (0...32).contains(prefix)
        else { return nil }
        return (address, prefix)
    }

    static func contains(_ subnet: (address: UInt32, prefix: Int), _ address: UInt32) -> Bool {
        let mask: UInt32 = subnet.prefix == 0 ? 0 : ~UInt32(0) << (32 - subnet.prefix)
        return subnet.address & mask == address & mask
    }
}
