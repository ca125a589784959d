import Foundation
import Glibc
import Network
import Runtime

/// The name server of a network made by `network create`: a small detached process per
/// network (`swiftstack network _dns NAME`) that answers, on the gateway's port 53 and only to
/// askers on the network, for every running container attached to it — a `run --network`
/// container by its name and `--network-alias`es, a stack's container (the network is
/// `external: true` there) by its name, service name and the service's aliases, healthy
/// replicas only as its supervisor would, also as `NAME.PROJECT`. `run` and the supervisors
/// of stacks using the network start it when none runs; it exits once the network has had no
/// running container for 2 s.
///
/// One responder per network, owned by whoever owns the network: a stack's own networks are
/// served by its supervisor (which answers for `run --network` containers on them too), a
/// `network create` network by this process, never both (they would contend for gateway:53
/// and the first binder would answer only its own names). We chose a process per network over
/// the per-container monitor: a name server must outlive any one container of the network.
/// Changes are seen within milliseconds (`ContainerChangeWatcher`), not on the next poll.
public struct NetworkNameServer: Sendable {
    public let store: NetworkStore
    public let network: String

    public init(store: NetworkStore, network: String) {
        self.store = store
        self.network = network
    }

    /// `<run>/networks/<name>/`: the server's pid file (its `flock` is the uniqueness check) and log.
    var directory: String { "\(store.runDirectory)/networks/\(network)" }
    var pidFile: String { directory + "/dns.pid" }
    var logFile: String { directory + "/dns.log" }

    /// How often the server looks again without being woken: changes wake it at once
    /// (`ContainerChangeWatcher`); the tick catches what no watched file shows (a stack
    /// replica's health). Without inotify, the tick is all there is.
    static let tick = Duration.seconds(1)
    static let tickWithoutWatcher = Duration.milliseconds(100)
    static let idleExitSeconds = 2.0
    /// How long the network must have been quiet before removed containers' addresses are
    /// given back.
    static let reclaimQuietSeconds = 0.2

    /// Whether a server for this network runs (holds its pid file's lock).
    public var isRunning: Bool {
        let fd = open(pidFile, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 { return false }
        return errno == EWOULDBLOCK
    }

    /// Spawns the server (re-executing `executable`) unless one runs or the network is a
    /// stack's own (its supervisor serves it); does not wait for it.
    public func startIfNeeded(executable: String = DetachedProcess.selfExecutable) {
        guard !isRunning, store.records.load(network)?.project.isEmpty ?? false else { return }
        try? FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let log = open(logFile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard log >= 0 else { return }
        defer { close(log) }
        _ = try? DetachedProcess.spawn(
            executable: executable,
            arguments: ["swiftstack", "network", "_dns", "--root", store.stateRoot, network], keepFD: log)
    }

    /// Serves until the network has had no running container for `idleExitSeconds` (or is
    /// removed). Returns at once when another server of the network runs.
    public func run() async throws {
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let pidFD = open(pidFile, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard pidFD >= 0 else { throw OrchestratorError.system("open", pidFile) }
        defer { close(pidFD) }
        guard flock(pidFD, LOCK_EX | LOCK_NB) == 0 else { return }
        _ = ftruncate(pidFD, 0)
        _ = "\(getpid())\n".withCString { pwrite(pidFD, $0, strlen($0), 0) }

        let records = DNSRecords()
        var server: DNSServer?
        var failureLogged = false
        var names: [String: [IPv4Address]] = [:]
        var idleSince: Date?
        let watcher = try? ContainerChangeWatcher(stateRoot: store.stateRoot)
        var lastChange = Date()
        while true {
            if watcher?.takeChange() ?? false { lastChange = Date() }
            guard let info = store.network(network) else {
                log("network \(network) was removed; exiting")
                break
            }
            let containers = store.runtime.list()
            let addresses = (try? store.allocator.allocations(network: network)) ?? [:]
            let running = containers.filter { addresses[$0.name] != nil && $0.isRunning }
            let (wanted, domains) = table(containers: containers, addresses: addresses)
            // Addresses of removed containers (`run --rm` leaves its own to us) go back to the pool
            // once the network has been quiet for a moment, in one write: never in the way of
            // containers starting back to back (reclaiming holds the network lock).
            let existing = Set(containers.map(\.name))
            if addresses.keys.contains(where: { !existing.contains($0) }),
                Date().timeIntervalSince(lastChange) > Self.reclaimQuietSeconds
            {
                store.reclaimAddresses(network: network)
            }
            records.setDomains(domains)
            for (name, addresses) in wanted where names[name] != addresses { records.set(name, to: addresses) }
            for name in names.keys where wanted[name] == nil { records.set(name, to: []) }
            names = wanted
            if server == nil {
                do {
                    server = try await DNSServer.start(
                        host: "\(info.gateway)", port: 53,
                        responder: DNSResponder(domain: network, records: records), clients: info.subnet)
                    log("serving DNS for \(network) on \(info.gateway):53")
                } catch {
                    if !failureLogged { log("DNS for \(network): \(error); retrying") }
                    failureLogged = true
                }
            }
            if running.isEmpty {
                let since = idleSince ?? Date()
                idleSince = since
                if Date().timeIntervalSince(since) > Self.idleExitSeconds {
                    // Let go of the lock first, then look once more: a `run` that saw us
                    // alive a moment ago did not start another server.
                    flock(pidFD, LOCK_UN)
                    if store.members(of: network).contains(where: \.isRunning),
                        flock(pidFD, LOCK_EX | LOCK_NB) == 0
                    {
                        idleSince = nil
                        continue
                    }
                    log("network \(network) has no running container; exiting")
                    break
                }
            } else {
                idleSince = nil
            }
            if let watcher {
                await watcher.pause(upTo: Self.tick)
            } else {
                try? await Task.sleep(for: Self.tickWithoutWatcher)
            }
        }
        await server?.stop()
    }

    /// The names the network answers (name → addresses) and the stacks' domains among them.
    func table(
        containers: [Container], addresses: [String: IPv4Address]
    ) -> (names: [String: [IPv4Address]], domains: Set<String>) {
        var names: [String: [IPv4Address]] = [:]
        func add(_ name: String, _ address: IPv4Address) {
            if names[name]?.contains(address) != true { names[name, default: []].append(address) }
        }
        var byProject: [String: [Container]] = [:]
        for container in containers.sorted(by: { $0.name < $1.name }) where container.isRunning {
            guard let address = addresses[container.name] else { continue }
            if let project = container.spec.labels[ProjectLabels.project] {
                byProject[project, default: []].append(container)
                continue
            }
            let aliases = container.spec.labels[NetworkStore.aliasesLabel]?.split(separator: ",").map(String.init) ?? []
            for name in [container.name] + aliases { add(name, address) }
        }
        for (project, members) in byProject {
            let paths = SupervisorPaths(stateRoot: store.stateRoot, runDirectory: store.runDirectory, project: project)
            guard let data = FileManager.default.contents(atPath: paths.projectFile),
                let supervised = try? JSONDecoder().decode(SupervisedProject.self, from: data)
            else {
                for member in members { add(member.name, addresses[member.name]!) }
                continue
            }
            let health = HealthFile.load(paths.health)
            let running = members.compactMap { container -> NameTable.Member? in
                guard let service = container.spec.labels[ProjectLabels.service] else { return nil }
                return NameTable.Member(name: container.name, service: service, health: health[container.name]?.status)
            }
            let table = NameTable.build(project: supervised, running: running, addresses: [network: addresses])
            for (name, found) in table[network] ?? [:] {
                for address in found { add(name, address) }
            }
        }
        return (names, Set(byProject.keys))
    }

    private func log(_ message: String) {
        FileHandle.standardError.write(Data("\(Date().formatted(.iso8601)) \(message)\n".utf8))
    }
}
