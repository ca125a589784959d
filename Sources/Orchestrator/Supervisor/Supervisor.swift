import Foundation
import Glibc
import Network
import Runtime
import Synchronization

/// A project's supervisor (`swiftstack supervise -p PROJECT`): one long-lived process per
/// project that serves DNS on the project's networks, runs healthchecks, applies restart
/// policies and publishes ports, started by `up` and stopped by `down`.
///
/// It owns no container (each has its per-container monitor), and everything it decides from
/// is read again from the runtime, the containers' labels and its files on every tick (every
/// 100 ms), so a supervisor started after a crash picks up where the last one stopped.
public final class Supervisor: Sendable {
    public let paths: SupervisorPaths
    let engine: RuntimeEngine
    let shared: Mutex<SharedState>

    /// A tick's period: DNS changes are visible within it.
    static let tick = Duration.milliseconds(100)
    /// How long a project without containers is kept supervised (covers `up` creating them).
    static let idleExitSeconds = 2.0

    /// What the control thread, the probe threads and the loop share.
    struct SharedState {
        var reloadRequested = false
        var shutdownRequested = false
        var status: SupervisorStatus
        var health: [String: HealthRecord] = [:]
        var probing: Set<String> = []
        /// Service → the addresses its published ports forward to.
        var backends: [String: [IPv4Address]] = [:]
        var rotation = 0
    }

    /// What only the loop touches.
    struct LoopState {
        var project: SupervisedProject?
        var projectModified: Date?
        var dnsServers: [String: DNSServer] = [:]
        /// Network → the gateway address its DNS server listens on.
        var dnsGateways: [String: String] = [:]
        var dnsRecords: [String: DNSRecords] = [:]
        var dnsFailures: Set<String> = []
        var names: [String: [String: [IPv4Address]]] = [:]
        var proxies: [PublishedPort: PortProxy] = [:]
        var portFailures: Set<PublishedPort> = []
        var restarts: [String: RestartRecord] = [:]
        var savedHealth: [String: HealthRecord] = [:]
        var emptySince: Date?
    }

    public init(paths: SupervisorPaths, monitorExecutable: String = DetachedProcess.selfExecutable) {
        self.paths = paths
        engine = RuntimeEngine(
            stateRoot: paths.stateRoot, runDirectory: paths.runDirectory, monitorExecutable: monitorExecutable)
        shared = Mutex(SharedState(status: SupervisorStatus(pid: getpid(), project: paths.project)))
    }

    /// Supervises until `down` asks it to stop or the project has no container left. Returns at
    /// once when another supervisor of the project runs.
    public func run() async throws {
        try FileManager.default.createDirectory(
            atPath: paths.directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let pidFD = open(paths.pidFile, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard pidFD >= 0 else { throw OrchestratorError.system("open", paths.pidFile) }
        defer { close(pidFD) }
        guard flock(pidFD, LOCK_EX | LOCK_NB) == 0 else {
            log("another supervisor of \(paths.project) runs; leaving it in charge")
            return
        }
        let me = ProcessIdentity.current(getpid())
        _ = ftruncate(pidFD, 0)
        _ = "\(getpid()) \(me?.startTime ?? 0)\n".withCString { pwrite(pidFD, $0, strlen($0), 0) }
        let control = try ControlServer.start(path: paths.socket) { [self] request in handle(request) }
        log("supervising project \(paths.project) (pid \(getpid()))")

        var loop = LoopState()
        loop.restarts = RestartFile.load(paths.restarts)
        // A predecessor's verdicts hold for the same processes (checked against each container).
        let inherited = HealthFile.load(paths.health)
        shared.withLock { $0.health = inherited }
        let started = Date()
        // Containers starting and stopping wake the loop at once (DNS follows within milliseconds).
        let watcher = try? ContainerChangeWatcher(stateRoot: paths.stateRoot)
        while true {
            _ = watcher?.takeChange()
            let (reload, shutdown) = shared.withLock { state in
                defer { state.reloadRequested = false }
                return (state.reloadRequested, state.shutdownRequested)
            }
            if shutdown {
                log("shutting down as asked")
                break
            }
            loadProject(&loop, force: reload)
            guard let project = loop.project else {
                if Date().timeIntervalSince(started) > Self.idleExitSeconds {
                    log("no saved project at \(paths.projectFile); exiting")
                    break
                }
                try? await Task.sleep(for: Self.tick)
                continue
            }
            if await supervise(project, &loop) == false { break }
            await pause(until: loop.restarts.values.compactMap(\.dueAt).min(), watcher: watcher)
        }
        for server in loop.dnsServers.values { await server.stop() }
        for proxy in loop.proxies.values { await proxy.stop() }
        control.stop()
        _ = ftruncate(pidFD, 0)
    }

    /// One tick; false when the supervisor should exit.
    private func supervise(_ project: SupervisedProject, _ loop: inout LoopState) async -> Bool {
        // Monitors (of our restarts) and removers this process started and ended since.
        DetachedChildren.reapFinished()
        let everyContainer = engine.runtime.list()
        let containers = everyContainer.filter { $0.spec.labels[ProjectLabels.project] == project.name }
        var addresses: [String: [String: IPv4Address]] = [:]
        for network in project.networks {
            addresses[network] = (try? engine.allocator.allocations(network: network)) ?? [:]
        }
        let running = containers.filter(\.isRunning)
        updateHealth(project, running: running, &loop)
        let health = shared.withLock { $0.health }
        let draining = Set((try? FileManager.default.contentsOfDirectory(atPath: paths.draining)) ?? [])
        let members = running.compactMap { container -> NameTable.Member? in
            guard let service = container.spec.labels[ProjectLabels.service], !draining.contains(container.name)
            else { return nil }
            return NameTable.Member(name: container.name, service: service, health: health[container.name]?.status)
        }
        let table = NameTable.build(project: project, running: members, addresses: addresses)
        await serveNames(
            project, table: NameTable.addingStandalone(everyContainer, to: table, addresses: addresses), &loop)
        await publishPorts(project, table: table, &loop)
        let lockHeld = ProjectLockProbe.isHeld(paths.projectLock)
        if !lockHeld {
            // A one-off (`run SERVICE`) ends when its command ends, whatever the service's policy.
            applyRestartPolicies(
                project, containers: containers.filter { !ProjectLabels.isOneOff($0.spec.labels) }, &loop)
        }
        shared.withLock { state in
            state.status.containers = containers.count
            state.status.ports = loop.proxies.keys.sorted { $0.hostPort < $1.hostPort }
            state.status.dnsAddresses = loop.dnsGateways.values.sorted()
        }
        if containers.isEmpty && !lockHeld {
            let since = loop.emptySince ?? Date()
            loop.emptySince = since
            if Date().timeIntervalSince(since) > Self.idleExitSeconds {
                log("project \(project.name) has no container left; exiting")
                return false
            }
        } else {
            loop.emptySince = nil
        }
        return true
    }

    /// Waits for the next tick, or less when a request arrives (so `down` is not kept waiting)
    /// or a restart falls due (so back-off delays are kept to the millisecond, not the tick).
    private func pause(until due: Date?, watcher: ContainerChangeWatcher?) async {
        let slices = 20
        for _ in 0..<slices {
            if shared.withLock({ $0.reloadRequested || $0.shutdownRequested }) { return }
            if watcher?.hasPendingChange == true { return }
            if let due, Date() >= due { return }
            try? await Task.sleep(for: Self.tick / slices)
        }
    }

    private func loadProject(_ loop: inout LoopState, force: Bool) {
        let modified =
            (try? FileManager.default.attributesOfItem(atPath: paths.projectFile))?[.modificationDate] as? Date
        guard force || loop.project == nil || modified != loop.projectModified else { return }
        guard let data = FileManager.default.contents(atPath: paths.projectFile),
            let project = try? JSONDecoder().decode(SupervisedProject.self, from: data)
        else { return }
        if project != loop.project { log("project \(project.name): \(project.services.count) services") }
        loop.project = project
        loop.projectModified = modified
    }

    /// Answers one control request.
    private func handle(_ request: String) -> String {
        let status = shared.withLock { state -> SupervisorStatus in
            switch SupervisorRequest(rawValue: request) {
            case .reload?: state.reloadRequested = true
            case .shutdown?: state.shutdownRequested = true
            case .status?, nil: break
            }
            return state.status
        }
        guard let data = try? JSONEncoder().encode(status) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    func log(_ message: String) {
        let line = "\(Date().formatted(.iso8601)) \(message)\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}

/// Whether someone (`up`, `down`) holds a project's lock, without waiting for it.
enum ProjectLockProbe {
    static func isHeld(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK
    }
}
