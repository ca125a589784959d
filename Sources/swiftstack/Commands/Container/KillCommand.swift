import ArgumentParser
import Runtime

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
