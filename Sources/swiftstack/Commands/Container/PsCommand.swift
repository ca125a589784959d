import ArgumentParser
import Foundation
import Runtime

/// `swiftstack ps [-a] [--format table|json]`.
struct PsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ps", abstract: "List containers.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: [.short, .customLong("all")], help: "Show all containers (default: running only).") var all = false
    @Option(name: .long, help: "table or json (one JSON object per line).") var format: String = "table"
    @Flag(name: [.short, .customLong("quiet")], help: "Only ids.") var quiet = false
    @OptionGroup var stack: StackOptions
    @Argument(help: "Services to list (project view).") var services: [String] = []

    func run() throws {
        guard format == "table" || format == "json" else {
            ContainerCommandErrors.report("unknown --format '\(format)': use table or json")
            throw ExitCode(2)
        }
        // A stack file in sight or `-p`: the project's containers, as Compose shows them.
        if ProjectPsView.applies(stack) {
            let project = try stack.projectName ?? stack.load().project.name
            try ProjectPsView(
                global: global, project: project, services: services, all: all, format: format, quiet: quiet
            ).run()
            return
        }
        let containers = global.containerRuntime.list().filter { all || $0.isRunning }
        if quiet {
            for container in containers { print(String(container.id.prefix(12))) }
            return
        }
        if format == "json" {
            for container in containers {
                let data = try ContainerDescription.jsonEncoder(pretty: false).encode(
                    ContainerDescription.Summary(container))
                print(String(decoding: data, as: UTF8.self))
            }
            return
        }
        let rows = containers.map { c -> [String] in
            let command = c.spec.command.joined(separator: " ")
            let shown = command.count > 20 ? String(command.prefix(19)) + "…" : command
            return [
                String(c.id.prefix(12)), c.spec.image, "\"\(shown)\"", ContainerDescription.ago(c.state.createdAt),
                ContainerDescription.status(c), RunPortsLabel.shown(c), c.name,
            ]
        }
        ContainerDescription.printTable(
            header: ["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"], rows: rows)
    }
}
