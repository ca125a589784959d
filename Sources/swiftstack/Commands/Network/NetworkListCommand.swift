import ArgumentParser
import Foundation
import Orchestrator

/// `swiftstack network ls`: Docker's NETWORK ID / NAME / DRIVER / SCOPE table (plus SUBNET),
/// `-q` for names' ids only, `--format json` for one JSON object per line.
struct NetworkListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls", abstract: "List networks.", aliases: ["list"])

    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Only display network ids.") var quiet = false
    @Option(name: .long, help: "Output format: table (default) or json.") var format = "table"

    struct Line: Encodable {
        var ID: String, Name: String, Driver: String, Scope: String, Internal: Bool, IPv6: Bool
        var Subnet: String, Gateway: String, Project: String, CreatedAt: String
    }

    func run() throws {
        let networks = global.networkStore.list()
        if quiet {
            for network in networks { print(network.id) }
            return
        }
        switch format {
        case "json":
            let encoder = ContainerDescription.jsonEncoder(pretty: false)
            for network in networks {
                let line = Line(
                    ID: network.id, Name: network.name, Driver: "bridge", Scope: "local", Internal: network.isInternal,
                    IPv6: false, Subnet: "\(network.subnet)", Gateway: "\(network.gateway)",
                    Project: network.project ?? "", CreatedAt: network.created.map { "\($0)" } ?? "")
                print(String(decoding: try encoder.encode(line), as: UTF8.self))
            }
        case "table":
            ContainerDescription.printTable(
                header: ["NETWORK ID", "NAME", "DRIVER", "SCOPE", "SUBNET"],
                rows: networks.map { [$0.id, $0.name, "bridge", "local", "\($0.subnet)"] })
        default:
            ContainerCommandErrors.report("unknown --format '\(format)': use table or json")
            throw ExitCode(1)
        }
    }
}
