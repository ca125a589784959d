import Foundation
import Glibc
import Network
import Planner
import Runtime

/// The bridge networks of one state root, whoever made them: a stack's `up` (through
/// `RuntimeEngine`) or `swiftstack network create`. One record per network under
/// `<stateRoot>/networks/`, its subnet and addresses in the IPAM state, its bridge in the kernel.
///
/// Creating, removing and sweeping networks take an exclusive `flock` on
/// `<stateRoot>/ipam/networks.lock`; attaching a container takes it shared from the address
/// allocation until the container exists, so a sweep never mistakes a container being created
/// for a leftover.
public struct NetworkStore: Sendable {
    public let stateRoot: String
    public let runDirectory: String

    public init(stateRoot: String, runDirectory: String) {
        self.stateRoot = stateRoot
        self.runDirectory = runDirectory
    }

    var records: ResourceRecords {
        ResourceRecords(directory: stateRoot + "/networks") { "\(stateRoot)/networks/\($0).json" }
    }
    var allocator: AddressAllocator { AddressAllocator(directory: stateRoot + "/ipam") }
    /// How long a removed network's bridge waits for a network of the same name to take it
    /// back before it is deleted.
    static let retiredBridgeGraceMilliseconds: UInt32 = 2000

    /// Bridges of removed networks, deleted in the background (see `LinkRetirement`).
    var retirement: LinkRetirement { LinkRetirement(recordDirectory: stateRoot + "/ipam/retired-links") }
    var runtime: ContainerRuntime { ContainerRuntime(root: stateRoot) }

    /// A network as `network ls` and `network inspect` show it.
    public struct Info: Sendable, Equatable {
        public var name: String
        /// The 8 hex digits of its bridge's name (`ssb-ID`).
        public var id: String
        public var bridge: String
        /// The stack that made it; nil for a network made by `network create`.
        public var project: String?
        public var subnet: IPv4Subnet
        public var gateway: IPv4Address
        public var isInternal: Bool
        public var created: Date?
    }

    /// A container attached to a network.
    public struct Member: Sendable, Equatable {
        public var name: String
        public var id: String
        public var address: IPv4Address
        public var isRunning: Bool
        /// Further names (`run --network-alias`).
        public var aliases: [String]
    }

    /// The label holding a `run --network-alias` container's aliases, comma-separated.
    public static let aliasesLabel = "swiftstack.aliases"

    // MARK: Reading

    /// Every network, sorted by name.
    public func list() -> [Info] {
        records.all().compactMap(Self.info)
    }

    /// The network called `name`, nil when there is none.
    public func network(_ name: String) -> Info? {
        records.load(name).flatMap(Self.info)
    }

    static func info(_ record: ResourceRecord) -> Info? {
        guard let subnet = record.subnet.flatMap({ IPv4Subnet($0) }),
            let gateway = record.gateway.flatMap({ IPv4Address($0) })
        else { return nil }
        let bridge = LinkNames.bridge(network: record.name)
        return Info(
            name: record.name, id: String(bridge.dropFirst(LinkNames.bridgePrefix.count)), bridge: bridge,
            project: record.project.isEmpty ? nil : record.project, subnet: subnet, gateway: gateway,
            isInternal: record.internal ?? false, created: record.created)
    }

    /// The containers that exist (running or not) and hold an address on `network`.
    public func members(of network: String, containers: [Container]? = nil) -> [Member] {
        let addresses = (try? allocator.allocations(network: network)) ?? [:]
        return (containers ?? runtime.list()).compactMap { container in
            addresses[container.name].map {
                Member(
                    name: container.name, id: container.id, address: $0, isRunning: container.isRunning,
                    aliases: container.spec.labels[Self.aliasesLabel]?.split(separator: ",").map(String.init) ?? [])
            }
        }.sorted { $0.name < $1.name }
    }

    /// Every network `container` has an address on, with that address.
    public func attachments(of container: String) -> [(network: Info, address: IPv4Address)] {
        list().compactMap { network in
            ((try? allocator.allocations(network: network.name)) ?? [:])[container].map { (network, $0) }
        }
    }

    // MARK: Creating and removing

    /// Creates a network: reserves its subnet (the one given, else the next free /24 of the
    /// pool), creates its bridge with the gateway address, and records it.
    ///
    /// - Parameters:
    ///   - project: the stack it belongs to; "" for a standalone network (`network create`).
    ///   - replacing: false refuses a name that is already recorded (`network create`); a
    ///     stack's `up` re-creates its own networks in place.
    @discardableResult
    public func create(
        _ name: String, project: String = "", subnet: IPv4Subnet? = nil, gateway: IPv4Address? = nil,
        internal isInternal: Bool = false, fields: [ConfigField] = [], configHash: String = "",
        replacing: Bool = true
    ) throws -> Info {
        try withLock(LOCK_EX) {
            if let existing = records.load(name), !project.isEmpty, existing.project != project {
                throw OrchestratorError(
                    .engine,
                    existing.project.isEmpty
                        ? "network \(name) already exists (made by `swiftstack network create`)"
                        : "network \(name) already exists (made by stack \(existing.project))",
                    hint: "declare it with `external: true` to use it, or give this network another name")
            }
            if !replacing, let existing = records.load(name) {
                throw OrchestratorError(
                    .engine,
                    "network \(name) already exists"
                        + (existing.project.isEmpty ? "" : " (made by stack \(existing.project))"),
                    hint: "pick another name, or remove it with `swiftstack network rm \(name)`")
            }
            // Bridge names derive from network names only: a bridge we hold no lease for belongs to
            // another state root on this machine, and sharing it would tie the two together.
            let bridgeName = LinkNames.bridge(network: name)
            if !replacing, try allocator.lease(of: name) == nil, try NetlinkSocket().link(named: bridgeName) != nil {
                throw OrchestratorError(
                    .engine,
                    "bridge \(bridgeName) for network \(name) already exists on this host but not in \(stateRoot)",
                    hint: "another swiftstack state root uses the name; pick another name")
            }
            // The IPAM lease is written before the bridge exists, so a lease without a record is
            // what a killed `create` leaves: `sweepLeftovers` removes both.
            let bridge = try BridgeNetwork.create(
                name: name, allocator: allocator, subnet: subnet, gateway: gateway, internal: isInternal,
                reclaimingFrom: retirement)
            let record = ResourceRecord(
                name: name, project: project, configHash: configHash, fields: fields, subnet: "\(bridge.subnet)",
                gateway: "\(bridge.gateway)", internal: isInternal,
                created: records.load(name)?.created ?? Date())
            try records.save(record)
            return Self.info(record)!
        }
    }

    /// Removes a network's bridge (with its gateway address), its addresses and its record.
    /// With `force: false`, refuses while containers hold addresses on it.
    public func remove(_ name: String, force: Bool = true) throws {
        try withLock(LOCK_EX) {
            guard records.load(name) != nil else {
                throw OrchestratorError(
                    .notFound, "network \(name) does not exist", hint: "see `swiftstack network ls`")
            }
            if !force {
                let members = members(of: name)
                if !members.isEmpty {
                    throw OrchestratorError(
                        .engine,
                        "network \(name) is in use by container\(members.count == 1 ? "" : "s") "
                            + members.map(\.name).joined(separator: ", "),
                        hint: "remove them first: `swiftstack rm -f \(members.map(\.name).joined(separator: " "))`")
                }
            }
            // The bridge goes out of service now and is deleted in the background: the
            // deletion itself waits tens of milliseconds for the kernel, holding the rtnl lock
            // that creating a namespace or a link needs. It waits a moment first, so that the
            // `up` of a `down && up` takes the bridge back instead of queueing behind that.
            if let socket = try? NetlinkSocket(),
                let remover = try? retirement.retire(
                    LinkNames.bridge(network: name), using: socket, grace: Self.retiredBridgeGraceMilliseconds)
            {
                DetachedChildren.adopt(remover)
            }
            try? allocator.releaseNetwork(name)
            records.remove(name)
        }
    }

    // MARK: Attaching

    /// Gives `container` an address on `network` and a veth (`interface` inside) into its
    /// namespace. Call it inside `withAttachLock`. Re-creates the bridge when a crash left
    /// the network recorded without it.
    ///
    /// - Parameter durable: false for a `run --rm` container (its allocation is not flushed to disk).
    public func attach(
        _ container: String, namespace: NetworkNamespace, network: String, requested: IPv4Address? = nil,
        interface: String = "eth0", durable: Bool = true
    ) throws -> HostLink {
        guard let info = self.network(network) else {
            throw OrchestratorError(
                .notFound, "network \(network) does not exist",
                hint: "create it with `swiftstack network create \(network)`, or run `swiftstack up` for a stack's own")
        }
        let bridge = BridgeNetwork(name: network, subnet: info.subnet, gateway: info.gateway, internal: info.isInternal)
        var allocator = self.allocator
        allocator.durable = durable
        let address = try allocate(container, network: network, requested: requested, allocator: allocator)
        // A recreated container reuses its predecessor's host link name, and the kernel frees the
        // old namespace's veth asynchronously (slowly on a loaded machine): wait for it a little.
        let deadline = Date().addingTimeInterval(2)
        var bridgeRecreated = false
        while true {
            do {
                return try bridge.attach(
                    container: container, containerNetns: namespace, address: address, interfaceName: interface)
            } catch {
                // The bridge is looked for only when the attachment failed (saving a netlink
                // round trip on every attach): a crash may have left the network without it.
                if error.code == .notFound, !bridgeRecreated, (try? bridge.exists()) == false {
                    bridgeRecreated = true
                    do {
                        _ = try BridgeNetwork.create(
                            name: network, subnet: info.subnet, gateway: info.gateway, internal: info.isInternal)
                        continue
                    } catch {
                        try? allocator.release(container: container, network: network)
                        throw error
                    }
                }
                let leftOver = error.code == .alreadyExists
                if !leftOver || Date() >= deadline {
                    try? allocator.release(container: container, network: network)
                    throw error
                }
            }
            usleep(10_000)
        }
    }

    /// Releases `container`'s address on `network` (its veth goes with its namespace).
    public func release(_ container: String, network: String, durable: Bool = true) {
        var allocator = self.allocator
        allocator.durable = durable
        try? allocator.release(container: container, network: network)
    }

    /// Runs `body` (attaching containers until they exist in the runtime) under the shared
    /// network lock, so no sweep runs meanwhile.
    public func withAttachLock<T>(_ body: () throws -> T) throws -> T {
        try withLock(LOCK_SH, body)
    }

    /// An address from the allocator. Containers removed without us (`run --rm`, `rm`) leave
    /// their addresses behind; a full network reclaims them.
    private func allocate(
        _ container: String, network: String, requested: IPv4Address?, allocator: AddressAllocator
    ) throws -> IPv4Address {
        if let address = try? allocator.allocate(container: container, network: network, requested: requested) {
            return address
        }
        releaseStaleAddresses(network: network, existing: Set(runtime.list().map(\.name)))
        return try allocator.allocate(container: container, network: network, requested: requested)
    }

    /// Releases the addresses on `network` of containers that no longer exist, in one write,
    /// unless someone attaches or sweeps right now (they hold the network lock: an address
    /// allocated for a container still being created must stay). Run by the network's name
    /// server once the network is quiet, so a `run --rm` leaves its release off the command's
    /// path. Returns false when it had to skip.
    @discardableResult
    public func reclaimAddresses(network: String) -> Bool {
        (try? withLock(LOCK_EX | LOCK_NB) {
            releaseStaleAddresses(network: network, existing: Set(runtime.list().map(\.name)))
        }) != nil
    }

    private func releaseStaleAddresses(network: String, existing: Set<String>) {
        let allocated = (try? allocator.allocations(network: network)) ?? [:]
        let stale = allocated.keys.filter { !existing.contains($0) }
        if !stale.isEmpty { try? allocator.release(containers: stale.sorted(), network: network) }
    }

    func withLock<T>(_ operation: Int32, _ body: () throws -> T) throws -> T {
        let directory = stateRoot + "/ipam"
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = directory + "/networks.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw OrchestratorError.system("open", path) }
        defer { close(fd) }
        while flock(fd, operation) != 0 {
            guard errno == EINTR else { throw OrchestratorError.system("lock", path) }
        }
        return try body()
    }
}
