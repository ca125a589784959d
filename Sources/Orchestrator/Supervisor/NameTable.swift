import Network
import Runtime

/// The names each project network answers, computed from what runs (pure, so it is tested
/// without a kernel): per network, the running containers attached to it by container name,
/// and by service name and aliases — for a service with a healthcheck only its healthy
/// replicas, unless none is healthy yet.
public enum NameTable {
    /// A running container as the table needs it.
    public struct Member: Sendable, Equatable {
        public var name: String
        public var service: String
        public var health: HealthStatus?

        public init(name: String, service: String, health: HealthStatus?) {
            self.name = name
            self.service = service
            self.health = health
        }
    }

    /// Network → name → addresses (sorted by container name, so answers are stable before rotation).
    ///
    /// - Parameter addresses: network → container name → address (the IPAM allocations).
    public static func build(
        project: SupervisedProject, running: [Member], addresses: [String: [String: IPv4Address]]
    ) -> [String: [String: [IPv4Address]]] {
        var table: [String: [String: [IPv4Address]]] = [:]
        let byService = Dictionary(grouping: running.sorted { $0.name < $1.name }, by: \.service)
        for network in project.networks {
            var names: [String: [IPv4Address]] = [:]
            let attached = addresses[network] ?? [:]
            for (serviceName, members) in byService {
                let onNetwork = members.filter { attached[$0.name] != nil }
                guard !onNetwork.isEmpty else { continue }
                for member in onNetwork { names[member.name, default: []].append(attached[member.name]!) }
                let service = project.service(serviceName)
                var answered = onNetwork
                if service?.health != nil {
                    let healthy = onNetwork.filter { $0.health == .healthy }
                    if !healthy.isEmpty { answered = healthy }
                }
                let serviceAddresses = answered.map { attached[$0.name]! }
                for name in [serviceName] + (service?.aliases[network] ?? []) {
                    names[name, default: []] += serviceAddresses.filter { !(names[name] ?? []).contains($0) }
                }
            }
            table[network] = names
        }
        return table
    }

    /// `table` with the running `run --network` containers (no project) on the project's
    /// networks added by name and `--network-alias`: the project's supervisor is the one
    /// responder of its networks, so it answers for them too.
    public static func addingStandalone(
        _ containers: [Container], to table: [String: [String: [IPv4Address]]],
        addresses: [String: [String: IPv4Address]]
    ) -> [String: [String: [IPv4Address]]] {
        var table = table
        for container in containers where container.spec.labels[ProjectLabels.project] == nil && container.isRunning {
            let aliases = container.spec.labels[NetworkStore.aliasesLabel]?.split(separator: ",").map(String.init) ?? []
            for (network, attached) in addresses {
                guard let address = attached[container.name] else { continue }
                for name in [container.name] + aliases where table[network]?[name]?.contains(address) != true {
                    table[network, default: [:]][name, default: []].append(address)
                }
            }
        }
        return table
    }
}
