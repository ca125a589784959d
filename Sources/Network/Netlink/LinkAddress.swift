/// An IPv4 address assigned to a link.
public struct LinkAddress: Sendable, Equatable {
    public var linkIndex: Int32
    public var address: IPv4Address
    public var prefixLength: Int

    public var subnet: IPv4Subnet { IPv4Subnet(address, prefixLength: prefixLength) }

    public init(linkIndex: Int32, address: IPv4Address, prefixLength: Int) {
        self.linkIndex = linkIndex
        self.address = address
        self.prefixLength = prefixLength
    }

    init?(_ message: ReceivedMessage) {
        guard message.type == RouteNetlink.newAddress, message.body.count >= 8,
            message.body.first == RouteNetlink.familyIPv4
        else { return nil }
        let body = message.body
        prefixLength = Int(body[body.startIndex + 1])
        linkIndex = body.withUnsafeBytes { Int32(bitPattern: $0.loadUnaligned(fromByteOffset: 4, as: UInt32.self)) }
        let attributes = NetlinkAttributes(body.dropFirst(8))
        // IFA_LOCAL is the interface's own address; IFA_ADDRESS is the peer's on point-to-point links.
        guard
            let address = attributes.first(RouteNetlink.addressLocal)?.ipv4
                ?? attributes.first(RouteNetlink.addressAddress)?.ipv4
        else { return nil }
        self.address = address
    }
}
