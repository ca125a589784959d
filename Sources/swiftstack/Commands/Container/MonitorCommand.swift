import ArgumentParser
import Glibc
import Runtime

/// `swiftstack _monitor ID` (hidden): the per-container monitor of `run -d` (podman's conmon
/// model). It is the container's parent: it starts it, reports "OK" or "ERR CODE MESSAGE" on fd 3,
/// writes the container's output into its log, reaps it, records its exit and OOM flag, and with
/// `--rm` deletes it. It also holds the proxies of the container's published ports (`run -d -p`). It runs in its own session, so it outlives the CLI that launched it.
struct MonitorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_monitor",
        abstract: "Own a detached container (internal).",
        shouldDisplay: false
    )

    @OptionGroup var global: GlobalOptions
    @Argument var id: String

    /// The one form `startDetached` spawns, `_monitor --root ROOT ID`, parsed by hand: every
    /// `run -d` (and every service container of `up`) waits for the monitor's start-up, and
    /// ArgumentParser's reflection over the whole command tree costs milliseconds of it.
    static func parseSpawned(_ arguments: [String]) -> MonitorCommand? {
        guard arguments.count == 4, arguments[0] == "_monitor", arguments[1] == "--root",
            !arguments[3].hasPrefix("-")
        else { return nil }
        var global = GlobalOptions()
        global.root = arguments[2]
        var command = MonitorCommand()
        command.global = global
        command.id = arguments[3]
        return command
    }

    func run() throws {
        signal(SIGHUP, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        let report: Int32 = 3
        do {
            // A `run -d -p` container's published ports live exactly as long as its monitor.
            let proxies =
                try RunPortsLabel.mayPublish(id, stateRoot: global.stateRoot)
                ? RunPortProxies.start(for: global.containerRuntime.container(id), store: global.networkStore) : nil
            defer { withExtendedLifetime(proxies) {} }
            _ = try global.containerRuntime.runOwned(id, echo: false, stdin: nil, rawTerminal: false) { _ in
                _ = MonitorReport.success.withCString { write(report, $0, strlen($0)) }
                close(report)
            }
        } catch let error as RuntimeError {
            _ = MonitorReport.failure(error).withCString { write(report, $0, strlen($0)) }
            throw ExitCode(error.exitCode)
        }
    }
}
