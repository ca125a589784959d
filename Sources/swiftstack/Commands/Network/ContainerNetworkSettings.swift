import Foundation
import Orchestrator
import Runtime

/// `inspect`'s `NetworkSettings` in Docker's shape: per network the container's `IPAddress`,
/// `IPPrefixLen`, `Gateway` and the network's id; the first network's values also at the top.
struct ContainerNetworkSettings: Encodable {
    struct Endpoint: Encodable {
        var NetworkID: String, IPAddress: String, IPPrefixLen: Int, Gateway: String, Aliases: [String]
    }
    var IPAddress = "", IPPrefixLen = 0, Gateway = ""
    var Networks: [String: Endpoint] = [:]

    /// A container's networks: those holding an address for it (a `run --network` container
    /// only on the networks its label names, so an address a removed namesake left is not shown).
    init(_ container: Container, store: NetworkStore) {
        guard case .namespace = container.spec.network else { return }
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
