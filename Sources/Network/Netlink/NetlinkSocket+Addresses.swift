extension NetlinkSocket {
    /// Every IPv4 address in this socket's namespace (only those of `linkIndex` when given).
    public func addresses(linkIndex: Int32? = nil) throws(NetworkError) -> [LinkAddress] {
        var message = NetlinkMessage(type: RouteNetlink.getAddress, flags: RouteNetlink.request | RouteNetlink.dump)
        message.appendAddressInfo(family: RouteNetlink.familyIPv4, prefixLength: 0, scope: 0, index: linkIndex ?? 0)
        let all = try dump(message, what: "listing addresses").compactMap(LinkAddress.init)
        guard let linkIndex else { return all }
        return all.filter { $0.linkIndex == linkIndex }
    }

    /// Assigns `address/prefixLength` to a link, with the subnet's broadcast address.
    public func addAddress(_ address: IPv4Address, prefixLength: Int, linkIndex: Int32) throws(NetworkError) {
        try modifyAddress(RouteNetlink.newAddress, address, prefixLength: prefixLength, linkIndex: linkIndex)
    }

    /// Removes `address/prefixLength` from a link.
    public func deleteAddress(_ address: IPv4Address, prefixLength: Int, linkIndex: Int32) throws(NetworkError) {
        try modifyAddress(RouteNetlink.deleteAddress, address, prefixLength: prefixLength, linkIndex: linkIndex)
    }

    private func modifyAddress(_ type: UInt16, _ address: IPv4Address, prefixLength: Int, linkIndex: Int32)
        throws(NetworkError)
    {
        guard (1...32).contains(prefixLength) else {
            throw NetworkError(.invalidArgument, "invalid prefix length /\(prefixLength) for \(address): use 1 to 32")
        }
        let adding = type == RouteNetlink.newAddress
        var flags = RouteNetlink.request | RouteNetlink.acknowledge
        if adding { flags |= RouteNetlink.create | RouteNetlink.exclusive }
        var message = NetlinkMessage(type: type, flags: flags)
        message.appendAddressInfo(
            family: RouteNetlink.familyIPv4, prefixLength: UInt8(prefixLength), scope: RouteNetlink.scopeUniverse,
            index: linkIndex)
        message.appendAttribute(RouteNetlink.addressLocal, address: address)
        message.appendAttribute(RouteNetlink.addressAddress, address: address)
        if adding, prefixLength <= 30 {
            message.appendAttribute(
                RouteNetlink.addressBroadcast, address: IPv4Subnet(address, prefixLength: prefixLength).broadcast)
        }
        try perform(
            message,
            what:
                "\(adding ? "adding" : "deleting") address \(address)/\(prefixLength) \(adding ? "to" : "from") link #\(linkIndex)"
        )
    }
}
