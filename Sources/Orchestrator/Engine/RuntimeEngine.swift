import Foundation
import Glibc
import Images
import Network
import Planner
import Runtime
import StackFile

/// The engine on this machine: containers through `ContainerRuntime` (each owned by a
/// per-container monitor), images from the OCI store, named volumes as directories under the
/// state root, networks as Linux bridges with a veth and an address per container.
public struct RuntimeEngine: ContainerEngine {
    public let stateRoot: String
    public let runDirectory: String
    /// The swiftstack executable that monitors detached containers.
    public let monitorExecutable: String
    let runtime: ContainerRuntime

    public init(stateRoot: String, runDirectory: String, monitorExecutable: String = DetachedProcess.selfExecutable) {
        self.stateRoot = stateRoot
        self.runDirectory = runDirectory
        self.monitorExecutable = monitorExecutable
        runtime = ContainerRuntime(root: stateRoot)
    }

    var volumeRecords: ResourceRecords {
        ResourceRecords(directory: stateRoot + "/volumes") { "\(stateRoot)/volumes/\($0)/volume.json" }
    }
    var networkRecords: ResourceRecords {
        ResourceRecords(directory: stateRoot + "/networks") { "\(stateRoot)/networks/\($0).json" }
    }
    var allocator: AddressAllocator { AddressAllocator(directory: stateRoot + "/ipam") }
    /// The bridge networks of this state root (records, addresses, bridges).
    public var networkStore: NetworkStore { NetworkStore(stateRoot: stateRoot, runDirectory: runDirectory) }
    func volumeDataPath(_ name: String) -> String { "\(stateRoot)/volumes/\(name)/_data" }
    /// Pinned namespaces live per project, so sweeping one project's leftovers (under its lock)
    /// never touches a namespace another project's `up` has pinned but not yet used.
    func namespacePath(_ id: String, project: String) -> String { "\(runDirectory)/netns/\(project)/\(id)" }

    // MARK: Containers

    public func containers(project: String) throws -> [EngineContainer] {
        runtime.list().filter { $0.spec.labels[ProjectLabels.project] == project }.map { listed in
            let container = runtime.settlingExit(listed)
            let status: ObservedContainer.Status
            switch container.state.status {
            case .created: status = .created
            case .running: status = container.isRunning ? .running : .dead
            case .exited: status = .exited(code: container.state.exitCode.map(Int.init))
            }
            return EngineContainer(name: container.name, labels: container.spec.labels, status: status)
        }
    }

    public func imageID(_ reference: String) -> String? {
        try? ImageStore(root: stateRoot + "/images").image(reference).id
    }

    public func create(_ request: ContainerRequest) throws {
        let store = try ImageStore(root: stateRoot + "/images")
        let image: Image
        do {
            image = try store.image(request.desired.image)
        } catch {
            throw OrchestratorError(
                .notFound, "image \(request.desired.image) of service \(request.service.name) is not in the store",
                hint: "import it with `swiftstack image import` or build it")
        }
        let labels = Observer.labels(project: request.project.name, container: request.desired, imageID: image.id)
        var spec = try ServiceSpec.make(
            request, image: image, layers: try store.layerDirectories(of: image), labels: labels)
        for mount in spec.mounts where mount.kind == .volume {
            try FileManager.default.createDirectory(
                atPath: volumeDataPath(mount.source), withIntermediateDirectories: true)
        }
        for volume in request.service.volumes where volume.type == .bind && volume.createHostPath {
            if let source = volume.source, !FileManager.default.fileExists(atPath: source) {
                try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
            }
        }
        var pinned: String?
        var nameServer: String?
        var attached: [(network: String, link: HostLink)] = []
        // Shared network lock until the container exists: a sweep meanwhile would take the
        // pinned namespace and the addresses for leftovers.
        try networkStore.withAttachLock {
            do {
                switch request.service.networkMode {
                case .host?:
                    spec.network = .host
                case .none?:
                    spec.network = .isolated
                case .service?, .container?:
                    guard let target = request.namespaceOf else {
                        throw OrchestratorError(
                            .notFound, "service \(request.service.name) joins a network namespace with no container")
                    }
                    spec.network = .container(try runtime.container(target).id)
                case .bridge?, nil:
                    let path = namespacePath(spec.id, project: request.project.name)
                    let namespace = try NamespacePin.create(at: path)
                    pinned = path
                    try namespace.bringLoopbackUp()
                    spec.network = .namespace(path)
                    var hosts: [String] = []
                    for (number, key) in request.service.networks.keys.sorted().enumerated() {
                        guard let network = request.project.networks[key] else { continue }
                        let attachment = request.service.networks[key] ?? ServiceNetwork()
                        let link = try attach(
                            request.desired.name, namespace: namespace, network: network.name,
                            requested: attachment.ipv4Address, interface: "eth\(number)", external: network.external)
                        attached.append((network.name, link))
                        // The project's DNS server listens on the first network's gateway.
                        if nameServer == nil { nameServer = networkRecords.load(network.name)?.gateway }
                        let names = [request.desired.name, request.service.name] + attachment.aliases
                        hosts.append("\(link.address) \(names.joined(separator: " "))")
                        hosts += peerHosts(
                            project: request.project, network: network.name, except: request.desired.name)
                    }
                    spec.extraHosts = hosts + spec.extraHosts
                    AttachCrashInjection.afterAttach()
                    if let nameServer { spec.dnsServers = [nameServer] }
                }
                let container = try runtime.create(spec)
                if let nameServer {
                    // Short names are tried in the project's domain first (`web` → `web.PROJECT`).
                    try AtomicFile.write(
                        Data("search \(request.project.name)\nnameserver \(nameServer)\n".utf8),
                        to: container.directory + "/resolv.conf", mode: 0o644)
                }
            } catch {
                for (network, link) in attached {
                    try? link.detach()
                    try? allocator.release(container: request.desired.name, network: network)
                }
                if let pinned { NamespacePin.remove(at: pinned) }
                throw error
            }
        }
    }

    /// Gives the container an address on `network` and a veth into its namespace.
    private func attach(
        _ container: String, namespace: NetworkNamespace, network: String, requested: String?, interface: String,
        external: Bool
    ) throws -> HostLink {
        guard networkStore.network(network) != nil else {
            throw OrchestratorError(
                .notFound, "network \(network) does not exist",
                hint: external
                    ? "it is external: create it first with `swiftstack network create \(network)`"
                    : "run `swiftstack up` to create it")
        }
        return try networkStore.attach(
            container, namespace: namespace, network: network, requested: requested.flatMap { IPv4Address($0) },
            interface: interface)
    }

    /// `/etc/hosts` lines for the project's other containers already on `network`, by container
    /// name only: a container keeps its address across recreation, so these lines stay true,
    /// and they work before the project's DNS server answers. Service names and aliases are
    /// left to DNS, which rotates replicas and answers only healthy ones (a line here would pin
    /// a client to one replica, even through a rolling update that stops it).
    private func peerHosts(project: Project, network: String, except name: String) -> [String] {
        guard let addresses = try? allocator.allocations(network: network) else { return [] }
        var lines: [String] = []
        for container in runtime.list() where container.spec.labels[ProjectLabels.project] == project.name {
            guard container.name != name, !ProjectLabels.isOneOff(container.spec.labels),
                let address = addresses[container.name]
            else { continue }
            lines.append("\(address) \(container.name)")
        }
        return lines
    }

    public func start(_ name: String) throws {
        try runtime.startDetached(name, monitor: monitorExecutable)
    }

    public func stop(_ name: String, timeoutSeconds: Int) throws {
        let container = try runtime.container(name)
        if container.isRunning { try runtime.stop(name, timeout: timeoutSeconds) }
    }

    public func remove(_ name: String, timeoutSeconds: Int) throws {
        guard let container = try? runtime.container(name) else { return }
        if container.isRunning { try runtime.stop(name, timeout: timeoutSeconds) }
        try runtime.delete(container.id, force: true)
        // Closing the last reference frees the namespace and its veth ends; the kernel does the
        // slow part (RCU) after we return.
        NamespacePin.remove(
            at: namespacePath(container.id, project: container.spec.labels[ProjectLabels.project] ?? ""))
        for record in networkRecords.all() {
            try? allocator.release(container: name, network: record.name)
        }
    }

    public func update(_ name: String, limits: StackFile.ResourceLimits) throws {
        try runtime.update(
            name, limits: Runtime.ResourceLimits(memoryBytes: limits.memory, cpus: limits.cpus, pids: limits.pids))
    }

    public func check(_ name: String, command: [String], timeoutSeconds: Double) -> Int32 {
        let devnull = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { close(devnull) }
        guard
            let pid = try? runtime.startExec(
                name, ExecSpec(command: command), io: ProcessIO(stdin: devnull, stdout: devnull, stderr: devnull))
        else { return -1 }
        let deadline = Date().addingTimeInterval(timeoutSeconds > 0 ? timeoutSeconds : 30)
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if reaped < 0 && errno != EINTR { return -1 }
            if Date() > deadline {
                Glibc.kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                return -1
            }
            usleep(5000)
        }
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    // MARK: Volumes

    /// The project's volumes; one whose directory was removed behind our back is missing.
    public func volumes(project: String) throws -> [ObservedResource] {
        volumeRecords.all().filter { $0.project == project }.map { record in
            var observed = record.observed
            observed.isMissing = access(volumeDataPath(record.name), F_OK) != 0
            return observed
        }
    }

    public func createVolume(_ name: String, project: String, fields: [ConfigField], configHash: String) throws {
        try FileManager.default.createDirectory(
            atPath: volumeDataPath(name), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        try volumeRecords.save(ResourceRecord(name: name, project: project, configHash: configHash, fields: fields))
    }

    public func removeVolume(_ name: String) throws {
        // Renamed out of the way first (one atomic step): a removal killed half-way must not
        // leave a volume without its record, which nothing would find again. The next
        // `collectLeftovers` finishes what is left under the `.removing-` name.
        let directory = "\(stateRoot)/volumes/\(name)"
        let trash = Self.removingVolume(name, in: stateRoot)
        try? FileManager.default.removeItem(atPath: trash)
        guard rename(directory, trash) == 0 else {
            if errno == ENOENT { return }
            throw OrchestratorError.system("rename", directory)
        }
        try FileManager.default.removeItem(atPath: trash)
    }

    /// Where a volume's directory goes while it is being removed.
    static func removingVolume(_ name: String, in stateRoot: String) -> String {
        "\(stateRoot)/volumes/.removing-\(name)"
    }

    // MARK: Networks

    /// The project's networks; one whose bridge is gone from the kernel (deleted with another
    /// tool) is missing. One RTM_GETLINK per network: cheap enough for the reconciler's
    /// drift check every second.
    public func networks(project: String) throws -> [ObservedResource] {
        let records = networkRecords.all().filter { $0.project == project }
        guard !records.isEmpty else { return [] }
        let socket = try NetlinkSocket()
        return try records.map { record in
            var observed = record.observed
            observed.isMissing = try socket.link(named: LinkNames.bridge(network: record.name)) == nil
            return observed
        }
    }

    public func createNetwork(_ name: String, project: String, fields: [ConfigField], configHash: String) throws {
        let value = { (path: String) in fields.first { $0.path == path }?.value }
        try networkStore.create(
            name, project: project, subnet: value("ipam.0.subnet").flatMap { IPv4Subnet($0) },
            gateway: value("ipam.0.gateway").flatMap { IPv4Address($0) }, internal: value("internal") == "true",
            fields: fields, configHash: configHash)
    }

    public func removeNetwork(_ name: String) throws {
        try? networkStore.remove(name)
    }
}
