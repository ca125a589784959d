import ArgumentParser
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

    func run() throws {
        let result = try StackCommandSupport.load(stack)
        if quiet { return }
        let project = result.project
        if services {
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
}
