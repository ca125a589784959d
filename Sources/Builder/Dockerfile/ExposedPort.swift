/// A port (or range) of `EXPOSE`: `80`, `80/tcp`, `53/udp`, `8000-8010/tcp`.
public struct ExposedPort: Sendable, Hashable, CustomStringConvertible {
    public var start: Int
    public var end: Int
    /// `tcp` (default), `udp` or `sctp`.
    public var transport: String

    /// Nil when `text` is not a port specification.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let transport = parts.count == 2 ? parts[1].lowercased() : "tcp"
        guard ["tcp", "udp", "sctp"].contains(transport) else { return nil }
        let bounds = parts[0].split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard let start = Int(bounds[0]), (0...65535).contains(start) else { return nil }
        let end = bounds.count == 2 ? Int(bounds[1]) : start
        guard let end, (start...65535).contains(end) else { return nil }
        self.start = start
        self.end = end
        self.transport = transport
    }

    /// `80/tcp`, `8000-8010/udp`: the spelling of an image config's `ExposedPorts` keys.
    public var description: String {
        start == end ? "\(start)/\(transport)" : "\(start)-\(end)/\(transport)"
    }
}
