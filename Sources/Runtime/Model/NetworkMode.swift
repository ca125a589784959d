/// Which network namespace a container lives in.
public enum NetworkMode: Codable, Sendable, Equatable {
    /// A fresh namespace with only `lo` (`--network none`, or one the network layer wires up).
    case isolated
    /// The host's namespace.
    case host
    /// Another container's namespace (`container:NAME`), by the id of that container.
    case container(String)
    /// A namespace prepared by the network layer and pinned at this path (a bind-mounted
    /// `/proc/PID/ns/net`), so its veth and address exist before the container's first process.
    case namespace(String)
}
