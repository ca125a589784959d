import StackFile

extension DesiredState {
    /// The desired state of `project`.
    ///
    /// - Parameters:
    ///   - services: limit to these services and what they depend on (empty: all).
    ///   - scale: replica counts that override the file (`--scale SVC=N`).
    ///   - profiles: active profiles; a service with profiles runs only when one is active
    ///     or when it is named in `services`.
    public init(
        project: Project, services selected: [String] = [], scale: [String: Int] = [:],
        profiles: Set<String> = []
    ) throws(PlannerError) {
        let order = try Self.dependencyOrder(project)
        let wanted = Self.selectServices(project, selected: selected, profiles: profiles)
        var containers: [DesiredContainer] = []
        var usedNetworks = Set<String>()
        var usedVolumes = Set<String>()
        for serviceName in order where wanted.contains(serviceName) {
            guard let service = project.services[serviceName] else { continue }
            let replicas = scale[serviceName] ?? service.replicas
            if service.containerName != nil && replicas > 1 {
                throw PlannerError(
                    .invalidScale,
                    "service \(serviceName) sets container_name and asks for \(replicas) replicas; a container name is unique",
                    hint: "remove container_name or use one replica")
            }
            let networkKeys = service.networks.keys.sorted()
            usedNetworks.formUnion(networkKeys)
            let volumeKeys = service.volumes.compactMap { $0.type == .volume ? $0.source : nil }
                .filter { project.volumes[$0] != nil }
            usedVolumes.formUnion(volumeKeys)
            let fields = ServiceFields.normalForm(service, project: project)
            let hash = ConfigHash.compute(fields)
            for index in 0..<max(replicas, 0) {
                let name = service.containerName ?? "\(project.name)-\(serviceName)-\(index + 1)"
                var namespaceService: String?
                var namespaceContainer: String?
                switch service.networkMode {
                case .service(let target)?: namespaceService = target
                case .container(let target)?: namespaceContainer = target
                default: break
                }
                containers.append(
                    DesiredContainer(
                        name: name, service: serviceName, index: index + 1,
                        image: Self.imageReference(service, project: project),
                        builds: service.build != nil, fields: fields, configHash: hash,
                        dependsOn: service.dependsOn, namespaceService: namespaceService,
                        namespaceContainer: namespaceContainer,
                        networks: networkKeys.compactMap { project.networks[$0]?.name },
                        volumes: volumeKeys.compactMap { project.volumes[$0]?.name }))
            }
        }
        let networks = project.networks.values.filter { usedNetworks.contains($0.key) }
            .sorted { $0.name < $1.name }
            .map { network in
                let fields = ResourceFields.network(network)
                return DesiredNetwork(
                    key: network.key, name: network.name, external: network.external, fields: fields,
                    configHash: ConfigHash.compute(fields))
            }
        let volumes = project.volumes.values.filter { usedVolumes.contains($0.key) }
            .sorted { $0.name < $1.name }
            .map { volume in
                let fields = ResourceFields.volume(volume)
                return DesiredVolume(
                    key: volume.key, name: volume.name, external: volume.external, fields: fields,
                    configHash: ConfigHash.compute(fields))
            }
        self.init(
            project: project.name, containers: containers, networks: networks, volumes: volumes,
            serviceOrder: order.filter { wanted.contains($0) }, knownServices: Set(project.services.keys),
            prerequisites: Dictionary(
                uniqueKeysWithValues: wanted.map { ($0, Self.prerequisites(of: $0, in: project)) }),
            rollouts: Self.rollouts(project, services: wanted))
    }

    /// The rolling-update templates of the services that declare `deploy.update_config`.
    static func rollouts(_ project: Project, services: Set<String>) -> [String: Rollout] {
        var rollouts: [String: Rollout] = [:]
        for name in services {
            guard let deploy = project.services[name]?.deploy, let update = deploy.updateConfig else { continue }
            rollouts[name] = Rollout(
                service: name, outdated: [], update: RolloutStrategy(update),
                rollback: deploy.rollbackConfig.map(RolloutStrategy.init) ?? .defaultRollback)
        }
        return rollouts
    }

    /// The image a service's containers run: `image:`, else the name Compose gives a built image.
    public static func imageReference(_ service: Service, project: Project) -> String {
        service.image ?? "\(project.name)-\(service.name)"
    }

    /// Services in dependency order: `depends_on` and namespace targets first, ties by name.
    static func dependencyOrder(_ project: Project) throws(PlannerError) -> [String] {
        var order: [String] = []
        var state: [String: Bool] = [:]  // false: visiting, true: done
        func visit(_ name: String, _ path: [String]) throws(PlannerError) {
            if state[name] == true { return }
            if state[name] == false {
                let cycle = path.drop { $0 != name } + [name]
                throw PlannerError(.dependencyCycle, "dependency cycle: \(cycle.joined(separator: " -> "))")
            }
            state[name] = false
            for dependency in prerequisites(of: name, in: project) {
                try visit(dependency, path + [name])
            }
            state[name] = true
            order.append(name)
        }
        for name in project.serviceNames { try visit(name, []) }
        return order
    }

    /// Services that must exist before `name`: its `depends_on` and its `service:` namespace.
    static func prerequisites(of name: String, in project: Project) -> [String] {
        guard let service = project.services[name] else { return [] }
        var names = Set(service.dependsOn.keys)
        if case .service(let target)? = service.networkMode { names.insert(target) }
        return names.filter { project.services[$0] != nil }.sorted()
    }

    private static func selectServices(
        _ project: Project, selected: [String], profiles: Set<String>
    ) -> Set<String> {
        var wanted = Set<String>()
        var pending: [String]
        if selected.isEmpty {
            pending = project.serviceNames.filter { name in
                let serviceProfiles = project.services[name]?.profiles ?? []
                return serviceProfiles.isEmpty || !profiles.isDisjoint(with: serviceProfiles)
            }
        } else {
            pending = selected
        }
        while let next = pending.popLast() {
            guard !wanted.contains(next), project.services[next] != nil else { continue }
            wanted.insert(next)
            pending += prerequisites(of: next, in: project)
        }
        return wanted
    }
}
