import ArgumentParser
import Foundation
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
            for name in project.serviceNames { print(name) }
        } else if volumes {
            for key in project.volumes.keys.sorted() { print(key) }
        } else {
            switch format {
            case .yaml: print(ProjectWriter.yaml(project), terminator: "")
            case .json: print(ProjectWriter.json(project), terminator: "")
            }
        }
    }
}
