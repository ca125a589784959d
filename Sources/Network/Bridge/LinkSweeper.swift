/// Finds and deletes links we created and nothing else: a name must have our shape
/// (`LinkNames.isOurs`) before it is ever deleted.
public enum LinkSweeper {
    /// Deletes the named links that exist, skipping (and never deleting) names that are not
    /// ours. Returns the names actually deleted. Deleting a veth's host end removes its peer.
    @discardableResult
    public static func delete(_ names: [String], using socket: NetlinkSocket) throws(NetworkError) -> [String] {
        let existing = Set(try socket.links().map(\.name))
        var deleted: [String] = []
        for name in names where LinkNames.isOurs(name) && existing.contains(name) {
            do {
                try socket.deleteLink(named: name)
                deleted.append(name)
            } catch  where error.code == .notFound {
                // Gone meanwhile (a veth whose container namespace went away): fine.
            }
        }
        return deleted
    }

    /// Deletes every link whose name starts with `prefix` and has our shape, except those in
    /// `keeping` (the links of networks and containers that still exist). Use after a crash to
    /// remove leftovers. Returns the names deleted.
    @discardableResult
    public static func sweep(
        prefix: String, keeping: Set<String>, using socket: NetlinkSocket
    ) throws(NetworkError) -> [String] {
        let candidates = try socket.links().map(\.name).filter {
            $0.hasPrefix(prefix) && LinkNames.isOurs($0) && !keeping.contains($0)
        }
        // Veths first: a bridge deletion would otherwise only detach them.
        let ordered =
            candidates.filter { $0.hasPrefix(LinkNames.vethPrefix) }
            + candidates.filter { !$0.hasPrefix(LinkNames.vethPrefix) }
        return try delete(ordered, using: socket)
    }
}
