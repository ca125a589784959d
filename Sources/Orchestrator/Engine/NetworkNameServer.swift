import Foundation
import Glibc
import Network
import Runtime

/// The name server of a network made by `network create`, for containers started with
/// `run --network NAME` outside any stack: a small detached process per network
/// (`swiftstack network _dns NAME`) that answers, on the gateway's port 53 and only to askers
/// on the network, the names (and `--network-alias` aliases) of the running containers attached
/// to it. `run` starts it when
/// none runs; it exits once the network has had no running container for 2 s.
///
/// We chose a process per network over the per-container monitor: a name server must outlive
/// any one container of the network, and a monitor hands nothing over when its container exits.
/// When a stack's supervisor serves the same network (an `external` one), whichever binds the
/// gateway first answers, and the other keeps trying.
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

    static let tick = Duration.milliseconds(100)
    static let idleExitSeconds = 2.0

    /// Whether a server for this network runs (holds its pid file's lock).
    public var isRunning: Bool {
        let fd = open(pidFile, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 { return false }
        return errno == EWOULDBLOCK
    }

    /// Spawns the server (re-executing `executable`) unless one runs; does not wait for it.
    public func startIfNeeded(executable: String = DetachedProcess.selfExecutable) {
        guard !isRunning else { return }
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
        while true {
            guard let info = store.network(network) else {
                log("network \(network) was removed; exiting")
                break
            }
            let running = store.members(of: network).filter(\.isRunning)
            var wanted: [String: [IPv4Address]] = [:]
            for member in running {
                for name in [member.name] + member.aliases where wanted[name]?.contains(member.address) != true {
                    wanted[name, default: []].append(member.address)
                }
            }
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
            try? await Task.sleep(for: Self.tick)
        }
        await server?.stop()
    }

    private func log(_ message: String) {
        FileHandle.standardError.write(Data("\(Date().formatted(.iso8601)) \(message)\n".utf8))
    }
}
