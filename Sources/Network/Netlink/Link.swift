/// A network interface as the kernel reports it.
public struct Link: Sendable, Equatable {
    public var index: Int32
    public var name: String
    /// IFF_* flags (IFF_UP = 0x1, IFF_LOWER_UP = 0x10000).
    public var flags: UInt32
    public var mtu: Int
    /// The index of the bridge this link is attached to, if any.
    public var masterIndex: Int32?
    /// The link type from IFLA_INFO_KIND ("bridge", "veth"…); nil for physical and loopback.
    public var kind: String?

    /// Administratively up (IFF_UP).
    public var isUp: Bool { flags & RouteNetlink.interfaceUp != 0 }
    /// The carrier is up (IFF_LOWER_UP): for a veth, both ends are up.
    public var hasCarrier: Bool { flags & RouteNetlink.interfaceLowerUp != 0 }

    init?(_ message: ReceivedMessage) {
        guard message.type == RouteNetlink.newLink, message.body.count >= 16 else { return nil }
        let body = message.body
        index = body.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4, as: Int32.self) }
        flags = body.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: UInt32.self) }
        name = ""
        mtu = 0
        for attribute in NetlinkAttributes(body.dropFirst(16)) {
            switch attribute.type {
            case RouteNetlink.linkName: name = attribute.string
            case RouteNetlink.linkMTU: mtu = Int(attribute.uint32 ?? 0)
            case RouteNetlink.linkMaster: masterIndex = attribute.uint32.map { Int32(bitPattern: $0) }
            case RouteNetlink.linkInfo:
                kind = attribute.nested.first(RouteNetlink.linkInfoKind)?.string
            default: break
            }
        }
    }
}
