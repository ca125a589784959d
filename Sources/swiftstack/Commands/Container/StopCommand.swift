import ArgumentParser
import Runtime

/// `swiftstack stop [-t SECS] NAME…`: the stop signal, then SIGKILL after the grace period.
struct StopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stop", abstract: "Stop running containers.")

    @OptionGroup var global: GlobalOptions
    @Option(
        name: [.short, .customLong("time")], help: "Seconds to wait before SIGKILL (default: the container's, 10).")
    var time: Int?
    @Argument(help: "Container names or ids.") var names: [String]

    func run() throws {
        var failed = false
        for name in names {
            do {
                try global.containerRuntime.stop(name, timeout: time)
                print(name)
            } catch {
                ContainerCommandErrors.report("\(error)")
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }
}

/// `swiftstack kill [-s SIG] NAME…`.
struct KillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kill", abstract: "Send a signal to running containers.")

    @OptionGroup var global: GlobalOptions
    @Option(name: [.short, .customLong("signal")], help: "Signal name or number (default KILL).") var signal: String =
        "KILL"
    @Argument(help: "Container names or ids.") var names: [String]

    func run() throws {
        let number = try ContainerCommandErrors.reporting { try SignalName.parse(signal) }
        var failed = false
        for name in names {
            do {
                try global.containerRuntime.kill(name, signal: number)
                print(name)
            } catch {
                ContainerCommandErrors.report("\(error)")
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }
}

/// `swiftstack rm [-f] NAME…`: removes containers and everything they left (cgroups, files).
struct RmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove containers.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: [.short, .customLong("force")], help: "Kill a running container first.") var force = false
    @Argument(help: "Container names or ids.") var names: [String]

    func run() throws {
        var failed = false
        for name in names {
            do {
                try global.containerRuntime.delete(name, force: force)
                print(name)
            } catch {
                ContainerCommandErrors.report("\(error)")
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }
}
