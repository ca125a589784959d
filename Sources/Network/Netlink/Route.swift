/// An IPv4 route of the main table.
public struct Route: Sendable, Equatable {
    /// The destination; 0.0.0.0/0 for the default route.
    public var destination: IPv4Subnet
    public var gateway: IPv4Address?
    public var outputLinkIndex: Int32?
    /// RT_SCOPE_*: 0 universe (via a gateway), 253 link (directly connected), 254 host.
    public var scope: UInt8

    public var isDefault: Bool { destination.prefixLength == 0 }

    init?(_ message: ReceivedMessage) {
        let body = message.body
        guard message.type == RouteNetlink.newRoute, body.count >= 12, body.first == RouteNetlink.familyIPv4 else {
            return nil
        }
        let start = body.startIndex
        let destinationLength = Int(body[start + 1])
        var table = UInt32(body[start + 4])
        let type = body[start + 7]
        scope = body[start + 6]
        var destination = IPv4Address(0)
        for attribute in NetlinkAttributes(body.dropFirst(12)) {
            switch attribute.type {
            case RouteNetlink.routeDestination: destination = attribute.ipv4 ?? destination
            case RouteNetlink.routeGateway: gateway = attribute.ipv4
            case RouteNetlink.routeOutputInterface: outputLinkIndex = attribute.uint32.map { Int32(bitPattern: $0) }
            case RouteNetlink.routeTable: table = attribute.uint32 ?? table
            default: break
            }
        }
        // Only unicast routes of the main table describe where traffic goes; local, broadcast
        // and the other tables' entries would make every address look taken.
        guard table == UInt32(RouteNetlink.tableMain), type == RouteNetlink.routeTypeUnicast,
            (0...32).contains(destinationLength)
        else { return nil }
        self.destination = IPv4Subnet(destination, prefixLength: destinationLength)
    }
}
