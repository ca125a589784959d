import ArgumentParser
import Runtime

/// `swiftstack inspect NAME…`: JSON (state, pid, exit code, mounts, limits), as an array like Docker.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Show details of containers as JSON.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Container names or ids.") var names: [String]

    func run() throws {
        let runtime = global.containerRuntime
        let networks = global.networkStore
        var details: [InspectedContainer] = []
        var failed = false
        for name in names {
            do {
                let container = try runtime.container(name)
                details.append(
                    InspectedContainer(
                        detail: ContainerDescription.Detail(container),
                        networkSettings: ContainerNetworkSettings(container, store: networks)))
            } catch {
                ContainerCommandErrors.report("\(error)")
                failed = true
            }
        }
        let data = try ContainerDescription.jsonEncoder(pretty: true).encode(details)
        print(String(decoding: data, as: UTF8.self))
        if failed { throw ExitCode(1) }
    }
}
