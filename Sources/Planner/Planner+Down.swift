extension Planner {
    /// The plan that removes the project (`down`): containers in reverse dependency order
    /// (dependents first), then networks, then volumes when asked.
    ///
    /// - Parameters:
    ///   - desired: the stack file's state, when there is one; it gives the dependency order and
    ///     tells orphans apart. Without it every observed container goes.
    ///   - removeVolumes: `-v`: remove the project's named volumes too.
    ///   - removeOrphans: also remove containers of services no longer in the file.
    public static func down(
        project: String, _ observed: ObservedState, desired: DesiredState? = nil,
        removeVolumes: Bool = false, removeOrphans: Bool = false
    ) -> Plan {
        var builder = PlanBuilder(project: project)
        let known = desired?.knownServices
        var removed: [String: [Int]] = [:]  // service → its removal actions

        // Dependents before their dependencies: the file's edges, plus the namespace joins that
        // the containers themselves record (all there is without a file).
        var prerequisites = desired?.prerequisites ?? [:]
        for container in observed.containers {
            for field in container.fields where field.path == "network_mode" && field.value.hasPrefix("service:") {
                prerequisites[container.service, default: []].append(String(field.value.dropFirst(8)))
            }
        }
        let services = Set(observed.containers.map(\.service)).union(desired?.serviceOrder ?? [])
        let rank = Dictionary(
            uniqueKeysWithValues: dependencyOrder(services, prerequisites).enumerated().map { ($1, $0) })
        let containers = observed.containers.filter { container in
            guard let known else { return true }
            return known.contains(container.service) || removeOrphans
        }.sorted { a, b in
            let ra = rank[a.service] ?? Int.max
            let rb = rank[b.service] ?? Int.max
            return ra != rb ? ra > rb : a.index > b.index
        }
        if let known {
            for container in observed.containers where !known.contains(container.service) && !removeOrphans {
                builder.warn(
                    "orphan container \(container.name): service \(container.service) is not in the stack file "
                        + "(remove it with --remove-orphans)")
            }
        }
        for container in containers {
            let dependents = prerequisites.filter { $0.value.contains(container.service) }.keys
            let after = dependents.flatMap { removed[$0] ?? [] }
            var reason = "down"
            if let known, !known.contains(container.service) {
                reason = "orphan: service \(container.service) is not in the stack file"
            }
            let id = builder.add(
                .removeContainer, container.name, service: container.service, reasons: [reason], after: after)
            removed[container.service, default: []].append(id)
        }
        let allRemovals = removed.values.flatMap { $0 }
        let externalNetworks = Set(desired?.networks.filter(\.external).map(\.name) ?? [])
        for network in observed.networks.sorted(by: { $0.name < $1.name })
        where !externalNetworks.contains(network.name) {
            builder.add(.removeNetwork, network.name, reasons: ["down"], after: allRemovals)
        }
        if removeVolumes {
            let externalVolumes = Set(desired?.volumes.filter(\.external).map(\.name) ?? [])
            for volume in observed.volumes.sorted(by: { $0.name < $1.name })
            where !externalVolumes.contains(volume.name) {
                builder.add(.removeVolume, volume.name, reasons: ["down -v"], after: allRemovals)
            }
        }
        return builder.plan
    }

    /// `services` with every service after its prerequisites; ties by name; cycles broken.
    static func dependencyOrder(_ services: Set<String>, _ prerequisites: [String: [String]]) -> [String] {
        var order: [String] = []
        var visited = Set<String>()
        func visit(_ name: String) {
            guard visited.insert(name).inserted else { return }
            for dependency in (prerequisites[name] ?? []).sorted() where services.contains(dependency) {
                visit(dependency)
            }
            order.append(name)
        }
        for name in services.sorted() { visit(name) }
        return order
    }
}
