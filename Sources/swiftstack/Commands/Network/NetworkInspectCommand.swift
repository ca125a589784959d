import ArgumentParser
import Foundation
import Orchestrator

/// `swiftstack network inspect NAME…`: Docker's shape (IPAM config, Internal, Containers with
/// their IPv4Address), as a JSON array.
struct NetworkInspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Show details of networks as JSON.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Network names.") var names: [String]

    struct Detail: Encodable {
        struct IPAMInfo: Encodable {
            struct Config: Encodable { var Subnet: String, Gateway: String }
            var Driver = "default"
            var Config: [Config]
        }
        struct Endpoint: Encodable { var Name: String, IPv4Address: String, IPv6Address = "", Running: Bool }
        var Name: String, Id: String, Created: Date?, Scope = "local", Driver = "bridge", EnableIPv6 = false
        var IPAM: IPAMInfo, Internal: Bool, Attachable = true
        var Containers: [String: Endpoint]
        var Options: [String: String]
        var Labels: [String: String]
    }

    func run() throws {
        let store = global.networkStore
        var details: [Detail] = []
        var failed = false
        for name in names {
            guard let network = store.network(name) else {
                ContainerCommandErrors.report("network \(name) does not exist (see `swiftstack network ls`)")
                failed = true
                continue
            }
            let prefix = network.subnet.prefixLength
            var containers: [String: Detail.Endpoint] = [:]
            for member in store.members(of: name) {
                containers[member.id] = Detail.Endpoint(
                    Name: member.name, IPv4Address: "\(member.address)/\(prefix)", Running: member.isRunning)
            }
            details.append(
                Detail(
                    Name: network.name, Id: network.id, Created: network.created,
                    IPAM: Detail.IPAMInfo(Config: [.init(Subnet: "\(network.subnet)", Gateway: "\(network.gateway)")]),
                    Internal: network.isInternal, Containers: containers,
                    Options: ["com.docker.network.bridge.name": network.bridge],
                    Labels: network.project.map { ["swiftstack.project": $0] } ?? [:]))
        }
        let data = try ContainerDescription.jsonEncoder(pretty: true).encode(details)
        print(String(decoding: data, as: UTF8.self))
        if failed { throw ExitCode(1) }
    }
}
