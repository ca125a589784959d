import ArgumentParser
import Planner
import StackFile

/// `swiftstack config`: loads, interpolates, merges and validates the stack files and prints
/// the result in long syntax, like `docker compose config`.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Validate the stack file(s) and print the normalised project.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case yaml, json
    }

    @OptionGroup var global: GlobalOptions
    @OptionGroup var stack: StackOptions

    @Option(help: "Output format: yaml or json.")
    var format: Format = .yaml

    @Flag(help: "Print only the service names, one per line.")
    var services = false

    @Flag(help: "Print only the volume keys, one per line.")
    var volumes = false

    @Flag(name: [.short, .long], help: "Only validate; print nothing but warnings and errors.")
    var quiet = false

    @Option(help: "Print the config hash of these services (comma-separated, or '*' for all).")
    var hash: String?

    func run() throws {
        let result = try stack.load()
        if quiet { return }
        let project = result.project
        if let hash {
            try printHashes(project, hash)
        } else if services {
            Console.out(project.serviceNames.map { $0 + "\n" }.joined())
        } else if volumes {
            Console.out(project.volumes.keys.sorted().map { $0 + "\n" }.joined())
        } else {
            switch format {
            case .yaml: Console.out(ProjectWriter.yaml(project))
            case .json: Console.out(ProjectWriter.json(project))
            }
        }
    }

    /// `SERVICE HASH` lines, as `docker compose config --hash`.
    private func printHashes(_ project: Project, _ selection: String) throws {
        let names = selection == "*" ? project.serviceNames : selection.split(separator: ",").map(String.init)
        let desired: DesiredState
        do {
            desired = try DesiredState(project: project, services: names)
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(2)
        }
        for name in names {
            guard let container = desired.containers.first(where: { $0.service == name }) else {
                Console.error("error: no such service: \(name)")
                throw ExitCode(2)
            }
            Console.out("\(name) \(container.configHash)\n")
        }
    }
}
