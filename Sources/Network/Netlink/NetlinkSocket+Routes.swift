extension NetlinkSocket {
    /// The unicast IPv4 routes of the main table in this socket's namespace.
    public func routes() throws(NetworkError) -> [Route] {
        var message = NetlinkMessage(type: RouteNetlink.getRoute, flags: RouteNetlink.request | RouteNetlink.dump)
        message.appendRouteInfo(
            family: RouteNetlink.familyIPv4, destinationLength: 0, table: 0, protocol: 0, scope: 0, type: 0)
        return try dump(message, what: "listing routes").compactMap(Route.init)
    }

    /// Adds a route to `destination` (0.0.0.0/0 for the default route) via `gateway` and/or
    /// out of `linkIndex`. Without a gateway the route is directly connected (link scope).
    public func addRoute(to destination: IPv4Subnet, via gateway: IPv4Address?, linkIndex: Int32?) throws(NetworkError)
    {
        try modifyRoute(RouteNetlink.newRoute, to: destination, via: gateway, linkIndex: linkIndex)
    }

    /// Deletes the route to `destination` via `gateway` / out of `linkIndex`.
    public func deleteRoute(to destination: IPv4Subnet, via gateway: IPv4Address?, linkIndex: Int32?)
        throws(NetworkError)
    {
        try modifyRoute(RouteNetlink.deleteRoute, to: destination, via: gateway, linkIndex: linkIndex)
    }

    private func modifyRoute(_ type: UInt16, to destination: IPv4Subnet, via gateway: IPv4Address?, linkIndex: Int32?)
        throws(NetworkError)
    {
        let adding = type == RouteNetlink.newRoute
        var flags = RouteNetlink.request | RouteNetlink.acknowledge
        if adding { flags |= RouteNetlink.create | RouteNetlink.exclusive }
        var message = NetlinkMessage(type: type, flags: flags)
        message.appendRouteInfo(
            family: RouteNetlink.familyIPv4, destinationLength: UInt8(destination.prefixLength),
            table: RouteNetlink.tableMain,
            protocol: adding ? RouteNetlink.protocolBoot : 0,
            scope: gateway == nil ? RouteNetlink.scopeLink : RouteNetlink.scopeUniverse,
            type: RouteNetlink.routeTypeUnicast)
        if destination.prefixLength > 0 {
            message.appendAttribute(RouteNetlink.routeDestination, address: destination.network)
        }
        if let gateway { message.appendAttribute(RouteNetlink.routeGateway, address: gateway) }
        if let linkIndex {
            message.appendAttribute(RouteNetlink.routeOutputInterface, uint32: UInt32(bitPattern: linkIndex))
        }
        let via = gateway.map { " via \($0)" } ?? ""
        try perform(
            message, what: "\(adding ? "adding" : "deleting") route to \(destination)\(via)",
            hint: adding ? "the gateway must be inside a subnet of the link's addresses" : nil)
    }
}
