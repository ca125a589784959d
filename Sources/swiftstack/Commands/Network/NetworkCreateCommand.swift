import ArgumentParser
import Network
import Orchestrator

/// `swiftstack network create NAME [--subnet CIDR] [--gateway IP] [--internal]`: a bridge with
/// the gateway address; prints the network's id as Docker does.
struct NetworkCreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a bridge network.")

    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: "Subnet in CIDR form (default: the next free /24 of 10.121.0.0/16).") var subnet: String?
    @Option(name: .long, help: "Gateway address (default: the subnet's first host).") var gateway: String?
    @Flag(name: .long, help: "No route off the bridge: containers reach only each other and the gateway.")
    var `internal` = false
    @Option(name: [.short, .long], help: "Driver (only bridge).") var driver = "bridge"
    @Argument(help: "The network's name.") var name: String

    func run() throws {
        try ContainerCommandErrors.reporting {
            try NetworkName.validate(name)
            guard driver == "bridge" else {
                throw OrchestratorError(.unsupported, "network driver \(driver) is not supported; use bridge")
            }
            var parsedSubnet: IPv4Subnet?
            if let subnet {
                guard let value = IPv4Subnet(subnet), value.network.description == subnet.split(separator: "/")[0]
                else {
                    throw OrchestratorError(
                        .unsupported,
                        "invalid --subnet '\(subnet)': expected a network in CIDR form, e.g. 10.121.5.0/24")
                }
                parsedSubnet = value
            }
            var parsedGateway: IPv4Address?
            if let gateway {
                guard let value = IPv4Address(gateway) else {
                    throw OrchestratorError(.unsupported, "invalid --gateway '\(gateway)': expected an IPv4 address")
                }
                guard parsedSubnet != nil else {
                    throw OrchestratorError(.unsupported, "--gateway needs --subnet")
                }
                parsedGateway = value
            }
            let info = try global.networkStore.create(
                name, subnet: parsedSubnet, gateway: parsedGateway, internal: `internal`, replacing: false)
            print(info.id)
        }
    }
}
