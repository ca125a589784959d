import ArgumentParser
import Orchestrator

/// `swiftstack network rm NAME…`: removes networks no container uses; prints each name removed.
struct NetworkRemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm", abstract: "Remove networks no container uses.", aliases: ["remove"])

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Network names.") var names: [String]

    func run() throws {
        let store = global.networkStore
        var failed = false
        for name in names {
            do {
                try store.remove(name, force: false)
                print(name)
            } catch {
                ContainerCommandErrors.report("\(error)")
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }
}
