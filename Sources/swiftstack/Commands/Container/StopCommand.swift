import ArgumentParser
import Orchestrator
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
                // A project's supervisor must not take this exit for a crash and restart it.
                if let container = try? global.containerRuntime.container(name) {
                    StopIntent.record(
                        stopping: container, stateRoot: global.stateRoot, runDirectory: global.runDirectory)
                }
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
