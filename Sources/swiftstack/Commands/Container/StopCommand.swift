import ArgumentParser
import Orchestrator
import Runtime

/// `swiftstack stop [-t SECS] NAME…`: the stop signal, then SIGKILL after the grace period.
struct StopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stop", abstract: "Stop running containers.")

    @OptionGroup var global: GlobalOptions
    @Option(
        name: [.short, .customLong("time"), .customLong("timeout")],
        help: "Seconds to wait before SIGKILL (default: the container's, 10).")
    var time: Int?
    @OptionGroup var stack: StackOptions
    @Argument(
        help: "Container names or ids; in a project (a stack file in sight, -p or --file): services, default all.")
    var names: [String] = []

    func run() throws {
        if ProjectScope.applies(stack, arguments: names, runtime: global.containerRuntime) {
            try ProjectLifecycle(scope: ProjectScope.resolve(stack, global: global)).stop(names, timeout: time)
            return
        }
        guard !names.isEmpty else {
            ContainerCommandErrors.report("stop needs container names (or services, beside a stack file)")
            throw ExitCode(2)
        }
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
