import ArgumentParser
import Orchestrator
import Runtime

/// `swiftstack kill [-s SIG] NAME…`.
struct KillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kill", abstract: "Send a signal to running containers.")

    @OptionGroup var global: GlobalOptions
    @Option(name: [.short, .customLong("signal")], help: "Signal name or number (default KILL).") var signal: String =
        "KILL"
    @OptionGroup var stack: StackOptions
    @Argument(
        help: "Container names or ids; in a project (a stack file in sight, -p or --file): services, default all.")
    var names: [String] = []

    func run() throws {
        let number = try ContainerCommandErrors.reporting { try SignalName.parse(signal) }
        if ProjectScope.applies(stack, arguments: names, runtime: global.containerRuntime) {
            // Recorded as a stop: the restart policy leaves a killed container stopped, as `stop` does.
            try ProjectLifecycle(scope: ProjectScope.resolve(stack, global: global)).kill(names, signal: number)
            return
        }
        guard !names.isEmpty else {
            ContainerCommandErrors.report("kill needs container names (or services, beside a stack file)")
            throw ExitCode(2)
        }
        var failed = false
        for name in names {
            do {
                if StopIntent.ends(signal: number), let container = try? global.containerRuntime.container(name) {
                    StopIntent.record(
                        stopping: container, stateRoot: global.stateRoot, runDirectory: global.runDirectory)
                }
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
