/// IP address management for bridge networks: one subnet per network, one address per
/// container, persisted so that every swiftstack process hands out the same answers.
///
/// - Subnets come from `pool` (10.121.0.0/16 by default) in /24 steps, or are given per
///   network; either way a subnet that overlaps another network or a host route is refused.
/// - The gateway is the subnet's first host (.1) unless given.
/// - Addresses are keyed by container name: asking again returns the same address, and a
///   container that was released and comes back gets its old address when it is still free.
///   Released addresses are handed to others only once no never-used address is left.
///
/// State lives in `<directory>/ipam.json`, written atomically (temp file, fsync, rename) under
/// an exclusive `flock` on `<directory>/ipam.lock`, so threads and processes never hand out
/// the same address twice. Every call is one locked read-modify-write; nothing is cached.
public struct AddressAllocator: Sendable {
    /// The default pool every network subnet is carved from.
    public static let defaultPool = IPv4Subnet(IPv4Address(10, 121, 0, 0), prefixLength: 16)

    public let directory: String
    public let pool: IPv4Subnet
    /// The size of the subnets carved from the pool.
    public let subnetPrefixLength: Int
    /// Whether writes are flushed to disk (file and directory). `run --rm` containers skip it,
    /// as their state files do: their addresses die with them, and a write lost in a crash
    /// leaves at worst a stale allocation, which a full network or the sweep reclaims.
    public var durable = true

    /// - Parameter directory: where the state and lock files live; created when missing.
    public init(directory: String, pool: IPv4Subnet = AddressAllocator.defaultPool, subnetPrefixLength: Int = 24) {
        precondition(
            subnetPrefixLength >= pool.prefixLength && subnetPrefixLength <= 30,
            "subnets must fit the pool and hold hosts")
        self.directory = directory
        self.pool = pool
        self.subnetPrefixLength = subnetPrefixLength
    }

    /// A network's address plan.
    public struct NetworkLease: Sendable, Equatable, Codable {
        public var subnet: IPv4Subnet
        public var gateway: IPv4Address
    }

    /// Reserves a subnet for `network`, or returns the one it already has.
    ///
    /// - Parameters:
    ///   - subnet: the subnet asked for (`ipam.config[].subnet`); nil to take the next free one
    ///     from the pool.
    ///   - gateway: the gateway asked for; nil for the subnet's first host.
    ///   - hostRoutes: the host's route destinations (`NetlinkSocket.routes()`); any that
    ///     overlaps is refused. The default route (0.0.0.0/0) is ignored.
    public func reserveNetwork(
        _ network: String, subnet: IPv4Subnet? = nil, gateway: IPv4Address? = nil, hostRoutes: [IPv4Subnet]
    ) throws(NetworkError) -> NetworkLease {
        try withState { (state: inout AllocatorState) throws(NetworkError) -> NetworkLease in
            if let existing = state.networks[network] {
                if let subnet, subnet != existing.lease.subnet {
                    throw NetworkError(
                        .alreadyExists,
                        "network \(network) already has subnet \(existing.lease.subnet), not \(subnet); remove the network first to change it"
                    )
                }
                return existing.lease
            }
            let routes = hostRoutes.filter { $0.prefixLength > 0 }
            let chosen: IPv4Subnet
            if let subnet {
                if let other = state.networks.first(where: { $0.value.lease.subnet.overlaps(subnet) }) {
                    throw NetworkError(
                        .subnetOverlap,
                        "subnet \(subnet) of network \(network) overlaps network \(other.key) (\(other.value.lease.subnet)); choose another subnet"
                    )
                }
                if let route = routes.first(where: { $0.overlaps(subnet) }) {
                    throw NetworkError(
                        .subnetOverlap,
                        "subnet \(subnet) of network \(network) overlaps the host route to \(route); choose another subnet"
                    )
                }
                chosen = subnet
            } else {
                let taken = state.networks.values.map(\.lease.subnet) + routes
                let step = UInt32(1) << UInt32(32 - subnetPrefixLength)
                let count = UInt32(1) << UInt32(subnetPrefixLength - pool.prefixLength)
                guard
                    let free = (0..<count).lazy.map({
                        IPv4Subnet(IPv4Address(pool.network.value + $0 * step), prefixLength: subnetPrefixLength)
                    })
                    .first(where: { candidate in !taken.contains { $0.overlaps(candidate) } })
                else {
                    throw NetworkError(
                        .exhausted,
                        "no free /\(subnetPrefixLength) left in the pool \(pool) for network \(network); remove unused networks or give a subnet"
                    )
                }
                chosen = free
            }
            let gateway = gateway ?? chosen.firstHost
            guard let hosts = chosen.hostRange, hosts.contains(gateway.value) else {
                throw NetworkError(
                    .addressOutsideSubnet, "gateway \(gateway) of network \(network) is not a host address of \(chosen)"
                )
            }
            let lease = NetworkLease(subnet: chosen, gateway: gateway)
            state.networks[network] = AllocatorState.Network(lease: lease)
            return lease
        }
    }

    /// The lease of `network`, or nil when it has none.
    public func lease(of network: String) throws(NetworkError) -> NetworkLease? {
        try snapshot().networks[network]?.lease
    }

    /// The names of every network holding a subnet.
    public func leasedNetworks() throws(NetworkError) -> [String] {
        try snapshot().networks.keys.sorted()
    }

    /// Forgets `network` and every address allocated in it.
    public func releaseNetwork(_ network: String) throws(NetworkError) {
        try withState { (state: inout AllocatorState) throws(NetworkError) in state.networks[network] = nil }
    }

    /// The address of `container` on `network`: the one it already has, else `requested`
    /// (refused when outside the subnet or held by another container), else its previous
    /// address when still free, else the lowest never-used address, else the address released
    /// longest ago.
    public func allocate(container: String, network: String, requested: IPv4Address? = nil) throws(NetworkError)
        -> IPv4Address
    {
        try withState { (state: inout AllocatorState) throws(NetworkError) -> IPv4Address in
            guard var plan = state.networks[network] else {
                throw NetworkError(.notFound, "network \(network) has no subnet reserved; create the network first")
            }
            defer { state.networks[network] = plan }
            let current = plan.addresses[container]
            if let requested {
                let subnet = plan.lease.subnet
                guard let hosts = subnet.hostRange, hosts.contains(requested.value), requested != plan.lease.gateway
                else {
                    throw NetworkError(
                        .addressOutsideSubnet,
                        "ipv4_address \(requested) of \(container) is not a usable address of network \(network) (\(subnet), gateway \(plan.lease.gateway))"
                    )
                }
                if requested == current { return requested }
                if let holder = plan.addresses.first(where: { $0.value == requested })?.key {
                    throw NetworkError(
                        .addressInUse,
                        "ipv4_address \(requested) of \(container) is already used by \(holder) on network \(network)")
                }
                if current != nil { plan.release(container) }
                plan.assign(requested, to: container)
                return requested
            }
            if let current { return current }
            let used = Set(plan.addresses.values)
            if let previous = plan.released.first(where: { $0.container == container }),
                !used.contains(previous.address)
            {
                plan.assign(previous.address, to: container)
                return previous.address
            }
            let recycled = Set(plan.released.map(\.address))
            if let hosts = plan.lease.subnet.hostRange,
                let fresh = hosts.lazy.map(IPv4Address.init).first(where: {
                    $0 != plan.lease.gateway && !used.contains($0) && !recycled.contains($0)
                })
            {
                plan.assign(fresh, to: container)
                return fresh
            }
            if let oldest = plan.released.first(where: { !used.contains($0.address) }) {
                plan.assign(oldest.address, to: container)
                return oldest.address
            }
            throw NetworkError(
                .exhausted,
                "no free address left in network \(network) (\(plan.lease.subnet)); remove containers or use a larger subnet"
            )
        }
    }

    /// Returns `container`'s address on `network` to the pool (it is reused last).
    public func release(container: String, network: String) throws(NetworkError) {
        try release(containers: [container], network: network)
    }

    /// Returns the addresses of `containers` on `network` to the pool, in one write.
    public func release(containers: [String], network: String) throws(NetworkError) {
        try withState { (state: inout AllocatorState) throws(NetworkError) in
            for container in containers { state.networks[network]?.release(container) }
        }
    }

    /// Every container's address on `network`.
    public func allocations(network: String) throws(NetworkError) -> [String: IPv4Address] {
        try snapshot().networks[network]?.addresses ?? [:]
    }
}
