/// Connects a container's network namespace to a bridge.
///
/// Creates a veth pair whose peer is created directly inside the container's namespace under
/// `interfaceName` (never visible on the host), attaches the host end to `bridge`, brings both
/// ends and the container's `lo` up, assigns `address/prefixLength` to the container end and,
/// when `gateway` is given, adds the default route through it. On failure nothing is left
/// behind.
///
/// - Parameters:
///   - containerNetns: the container's network namespace (e.g. `/proc/PID/ns/net`).
///   - bridge: the bridge's link name.
///   - hostLinkName: the host end's name; use `LinkNames.hostVeth(container:network:)`.
///   - gateway: nil for an internal network (no default route).
public func attach(
    containerNetns: NetworkNamespace, bridge: String, hostLinkName: String,
    address: IPv4Address, prefixLength: Int, gateway: IPv4Address?,
    interfaceName: String = "eth0", mtu: Int = 1500
) throws(NetworkError) -> HostLink {
    let host = try NetlinkSocket()
    let bridgeLink = try host.requireLink(named: bridge)
    // The container's MAC derives from its IPv4 address (as Docker's does): an address given
    // again to a new container (a replica replaced under the same name) keeps its MAC, so its
    // peers' ARP caches stay right instead of sending to a gone interface for up to 30 s.
    let value = address.value
    let hardwareAddress: [UInt8] = [
        0x02, 0x42, UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF),
    ]
    try host.createVethPair(
        named: hostLinkName, peerName: interfaceName, peerNamespace: containerNetns, mtu: mtu,
        master: bridgeLink.index, up: true, peerHardwareAddress: hardwareAddress)
    do {
        let hostLink = try host.requireLink(named: hostLinkName)
        let inside = try NetlinkSocket.open(in: containerNetns)
        let loopback = try inside.requireLink(named: "lo")
        if !loopback.isUp { try inside.setLink(index: loopback.index, up: true) }
        let interface = try inside.requireLink(named: interfaceName)
        try inside.addAddress(address, prefixLength: prefixLength, linkIndex: interface.index)
        if !interface.isUp { try inside.setLink(index: interface.index, up: true) }
        if let gateway {
            try inside.addRoute(
                to: IPv4Subnet(IPv4Address(0), prefixLength: 0), via: gateway, linkIndex: interface.index)
        }
        return HostLink(
            name: hostLinkName, index: hostLink.index, bridge: bridge, containerInterface: interfaceName,
            address: address, prefixLength: prefixLength)
    } catch {
        try? host.deleteLink(named: hostLinkName)
        throw error
    }
}

/// `attach` for a caller holding the container's namespace as a bare descriptor (which it
/// keeps owning).
public func attach(
    containerNetns: Int32, bridge: String, hostLinkName: String,
    address: IPv4Address, prefixLength: Int, gateway: IPv4Address?,
    interfaceName: String = "eth0", mtu: Int = 1500
) throws(NetworkError) -> HostLink {
    try attach(
        containerNetns: NetworkNamespace(borrowing: containerNetns), bridge: bridge, hostLinkName: hostLinkName,
        address: address, prefixLength: prefixLength, gateway: gateway, interfaceName: interfaceName, mtu: mtu)
}
