/// The host end of a container's veth pair, as returned by `attach`.
public struct HostLink: Sendable, Equatable {
    /// The host-side link name (`ssv-` + 8 hex digits).
    public let name: String
    /// Its interface index on the host.
    public let index: Int32
    /// The bridge it is attached to.
    public let bridge: String
    /// The interface name inside the container (`eth0`, `eth1`…).
    public let containerInterface: String
    public let address: IPv4Address
    public let prefixLength: Int

    /// Deletes the veth pair (both ends). Deleting is synchronous and costs tens of
    /// milliseconds (RCU); when the container's namespace is going away anyway, closing it
    /// frees the pair too, and a later `LinkSweeper` pass can verify.
    public func detach() throws(NetworkError) {
        do {
            try NetlinkSocket().deleteLink(named: name)
        } catch  where error.code == .notFound {
            // Already gone with its namespace.
        }
    }
}
