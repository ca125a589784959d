/// A network as the kernel sees it: a Linux bridge holding the gateway address, to which
/// containers are attached by veth pairs.
///
/// Containers on the bridge reach each other and the host (through the gateway address).
/// Nothing is forwarded beyond the machine: this code never touches `ip_forward` and adds no
/// NAT. An `internal` network gives its containers no default route at all.
public struct BridgeNetwork: Sendable, Equatable {
    /// The network's identity (for example `myproject_default`); the bridge name derives from it.
    public let name: String
    /// The bridge's link name (`ssb-` + 8 hex digits).
    public let bridgeName: String
    public let subnet: IPv4Subnet
    /// The bridge's own address, the containers' default gateway.
    public let gateway: IPv4Address
    /// No default route in containers: they reach only the bridge subnet.
    public let isInternal: Bool

    /// Describes a network without touching the kernel (use `create` to make the bridge).
    public init(name: String, subnet: IPv4Subnet, gateway: IPv4Address, internal isInternal: Bool = false) {
        self.name = name
        bridgeName = LinkNames.bridge(network: name)
        self.subnet = subnet
        self.gateway = gateway
        self.isInternal = isInternal
    }

    /// Creates the bridge, gives it the gateway address and brings it up. Refuses a subnet
    /// that overlaps a route of the host (other than the default route and the bridge's own),
    /// and leaves nothing behind when any step fails.
    ///
    /// Idempotent: when the bridge already exists (a restarted supervisor re-creating its
    /// networks), it gets the gateway address if missing and is brought up. With `retirement`,
    /// a bridge of the same name retired moments ago (a `down` before this `up`) is taken back
    /// instead of made anew (see `LinkRetirement`), its old addresses replaced.
    public static func create(
        name: String, subnet: IPv4Subnet, gateway: IPv4Address? = nil, internal isInternal: Bool = false,
        reclaimingFrom retirement: LinkRetirement? = nil
    ) throws(NetworkError) -> BridgeNetwork {
        let gateway = gateway ?? subnet.firstHost
        guard subnet.prefixLength <= 30, let hosts = subnet.hostRange, hosts.contains(gateway.value) else {
            throw NetworkError(
                .addressOutsideSubnet,
                "gateway \(gateway) is not a host address of subnet \(subnet) for network \(name); pick one inside the subnet"
            )
        }
        let network = BridgeNetwork(name: name, subnet: subnet, gateway: gateway, internal: isInternal)
        let socket = try NetlinkSocket()
        var existing = try socket.link(named: network.bridgeName)
        var reclaimed = false
        if existing == nil, let retirement, let link = try retirement.reclaim(network.bridgeName, using: socket) {
            (existing, reclaimed) = (link, true)
        }
        if let clash = try socket.routes().first(where: {
            !$0.isDefault && $0.destination.overlaps(subnet)
                && ($0.outputLinkIndex == nil || $0.outputLinkIndex != existing?.index)
        }) {
            throw NetworkError(
                .subnetOverlap,
                "subnet \(subnet) of network \(name) overlaps the host route to \(clash.destination); choose another subnet (ipam.config[].subnet)"
            )
        }
        if let existing {
            if existing.kind != "bridge" {
                throw NetworkError(
                    .alreadyExists,
                    "link \(network.bridgeName) for network \(name) exists but is a \(existing.kind ?? "non-bridge") link; delete it"
                )
            }
            do {
                try network.configure(bridge: existing, using: socket, onlyGatewayAddress: reclaimed)
            } catch {
                if reclaimed { try? socket.deleteLink(index: existing.index) }
                throw error
            }
            return network
        }
        try socket.createBridge(named: network.bridgeName)
        do {
            try network.configure(bridge: try socket.requireLink(named: network.bridgeName), using: socket)
        } catch {
            try? socket.deleteLink(named: network.bridgeName)
            throw error
        }
        return network
    }

    /// Creates the network with a subnet from `allocator`: the one asked for, or the next free
    /// one of its pool. Host routes are read from the kernel so that a subnet already in use
    /// on this machine is refused. A reservation made here is released if the bridge fails.
    public static func create(
        name: String, allocator: AddressAllocator, subnet: IPv4Subnet? = nil, gateway: IPv4Address? = nil,
        internal isInternal: Bool = false, reclaimingFrom retirement: LinkRetirement? = nil
    ) throws(NetworkError) -> BridgeNetwork {
        let bridgeName = LinkNames.bridge(network: name)
        let socket = try NetlinkSocket()
        let ownIndex = try socket.link(named: bridgeName)?.index
        let routes = try socket.routes().filter { $0.outputLinkIndex == nil || $0.outputLinkIndex != ownIndex }.map(
            \.destination)
        let reservedBefore = try allocator.lease(of: name) != nil
        let lease = try allocator.reserveNetwork(
            name, subnet: subnet, gateway: gateway, hostRoutes: reservedBefore ? [] : routes)
        do {
            return try create(
                name: name, subnet: lease.subnet, gateway: lease.gateway, internal: isInternal,
                reclaimingFrom: retirement)
        } catch {
            if !reservedBefore { try? allocator.releaseNetwork(name) }
            throw error
        }
    }

    /// Gives `bridge` the gateway address (and, with `onlyGatewayAddress`, no other) and brings
    /// it up.
    private func configure(bridge: Link, using socket: NetlinkSocket, onlyGatewayAddress: Bool = false)
        throws(NetworkError)
    {
        let wanted = LinkAddress(linkIndex: bridge.index, address: gateway, prefixLength: subnet.prefixLength)
        let present = try socket.addresses(linkIndex: bridge.index)
        if onlyGatewayAddress {
            for address in present where address != wanted {
                try socket.deleteAddress(address.address, prefixLength: address.prefixLength, linkIndex: bridge.index)
            }
        }
        if !present.contains(wanted) {
            try socket.addAddress(gateway, prefixLength: subnet.prefixLength, linkIndex: bridge.index)
        }
        if !bridge.isUp { try socket.setLink(index: bridge.index, up: true) }
    }

    /// Whether the bridge exists on the host.
    public func exists() throws(NetworkError) -> Bool {
        try NetlinkSocket().link(named: bridgeName) != nil
    }

    /// Deletes the bridge (and with it the gateway address and the host route to the subnet).
    /// Veths still attached are detached, not deleted; delete them first with `HostLink.detach`.
    public func delete() throws(NetworkError) {
        try NetlinkSocket().deleteLink(named: bridgeName)
    }

    /// Attaches a container to this network: see `attach(containerNetns:bridge:hostLinkName:…)`.
    /// The host link name derives from `container` and this network, and internal networks
    /// get no default route.
    public func attach(
        container: String, containerNetns: NetworkNamespace, address: IPv4Address,
        interfaceName: String = "eth0", mtu: Int = 1500
    ) throws(NetworkError) -> HostLink {
        guard subnet.contains(address), address != gateway, address != subnet.network, address != subnet.broadcast
        else {
            throw NetworkError(
                .addressOutsideSubnet,
                "address \(address) for container \(container) is not a free host address of \(subnet) (network \(name))"
            )
        }
        return try Network.attach(
            containerNetns: containerNetns, bridge: bridgeName,
            hostLinkName: LinkNames.hostVeth(container: container, network: name),
            address: address, prefixLength: subnet.prefixLength, gateway: isInternal ? nil : gateway,
            interfaceName: interfaceName, mtu: mtu)
    }
}
