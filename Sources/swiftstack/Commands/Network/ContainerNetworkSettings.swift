import Foundation
import Network
import Orchestrator
import Runtime

/// `inspect`'s `NetworkSettings` in Docker's shape: per network the container's `IPAddress`,
/// `IPPrefixLen`, `Gateway` and the network's id; the first network's values also at the top.
struct ContainerNetworkSettings: Encodable {
    struct Endpoint: Encodable {
        var NetworkID: String, IPAddress: String, IPPrefixLen: Int, Gateway: String, Aliases: [String]
    }
    struct PortBinding: Encodable {
        var HostIp: String, HostPort: String
    }
    var IPAddress = "", IPPrefixLen = 0, Gateway = ""
    var Networks: [String: Endpoint] = [:]
    /// `run -p` ports: "80/tcp" → where the host publishes it.
    var Ports: [String: [PortBinding]] = [:]

    /// A container's networks: those holding an address for it (a `run --network` container
    /// only on the networks its label names, so an address a removed namesake left is not shown).
    init(_ container: Container, store: NetworkStore) {
        guard case .namespace = container.spec.network else { return }
        for mapping in PortMapping.parse(label: container.spec.labels[RunPortsLabel.key] ?? "") {
            Ports["\(mapping.targetPort)/\(mapping.transport.rawValue)", default: []].append(
                PortBinding(HostIp: mapping.hostIP, HostPort: "\(mapping.hostPort)"))
        }
        let aliases = container.spec.labels[NetworkStore.aliasesLabel]?.split(separator: ",").map(String.init) ?? []
        let named = container.spec.labels[RunNetworkLabel.key].map { Set($0.split(separator: ",").map(String.init)) }
        for (network, address) in store.attachments(of: container.name)
        where named?.contains(network.name) ?? true {
            Networks[network.name] = Endpoint(
                NetworkID: network.id, IPAddress: "\(address)", IPPrefixLen: network.subnet.prefixLength,
                Gateway: network.isInternal ? "" : "\(network.gateway)", Aliases: [container.name] + aliases)
        }
        if let first = Networks.keys.sorted().first, let endpoint = Networks[first] {
            IPAddress = endpoint.IPAddress
            IPPrefixLen = endpoint.IPPrefixLen
            Gateway = endpoint.Gateway
        }
    }
}

/// A container's `inspect` object with `NetworkSettings` added beside the other keys.
struct InspectedContainer: Encodable {
    var detail: ContainerDescription.Detail
    var networkSettings: ContainerNetworkSettings

    enum Keys: String, CodingKey { case NetworkSettings }

    func encode(to encoder: any Encoder) throws {
        try detail.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(networkSettings, forKey: .NetworkSettings)
    }
}
