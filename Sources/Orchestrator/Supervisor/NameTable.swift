import Network

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
}
