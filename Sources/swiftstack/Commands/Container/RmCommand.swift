import ArgumentParser
import Runtime

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
