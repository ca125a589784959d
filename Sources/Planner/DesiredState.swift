import StackFile

/// What the stack file asks for: one container per service replica, plus networks and volumes.
public struct DesiredState: Sendable, Equatable {
    public var project: String
    public var containers: [DesiredContainer]
    public var networks: [DesiredNetwork]
    public var volumes: [DesiredVolume]
    /// Services in dependency order (dependencies first, ties by name).
    public var serviceOrder: [String]
    /// Every service of the stack file, selected or not: containers of other services are orphans.
    public var knownServices: Set<String>
    /// For each selected service, the services it needs first (`depends_on` and `service:` namespaces).
    public var prerequisites: [String: [String]]
    /// Services that declare `deploy.update_config`: how their replicas are replaced (the
    /// planner fills in `outdated`).
    public var rollouts: [String: Rollout]

    public init(
        project: String, containers: [DesiredContainer], networks: [DesiredNetwork],
        volumes: [DesiredVolume], serviceOrder: [String], knownServices: Set<String>? = nil,
        prerequisites: [String: [String]] = [:], rollouts: [String: Rollout] = [:]
    ) {
        self.project = project
        self.containers = containers
        self.networks = networks
        self.volumes = volumes
        self.serviceOrder = serviceOrder
        self.knownServices = knownServices ?? Set(serviceOrder)
        self.prerequisites = prerequisites
        self.rollouts = rollouts
    }

    public func containers(of service: String) -> [DesiredContainer] {
        containers.filter { $0.service == service }
    }
}

/// One container the file asks for.
public struct DesiredContainer: Sendable, Equatable {
    public var name: String
    public var service: String
    /// Replica number, from 1.
    public var index: Int
    /// Image reference the container runs.
    public var image: String
    /// Whether the service builds its image (`build:`).
    public var builds: Bool
    /// The normal form: every field that matters to a running container.
    public var fields: [ConfigField]
    /// `ConfigHash.compute(fields)`.
    public var configHash: String
    /// Services this one `depends_on`, with the dependency's options.
    public var dependsOn: [String: Dependency]
    /// `network_mode: service:NAME` → the service; the planner resolves it to a container.
    public var namespaceService: String?
    /// `network_mode: container:NAME` → the container name.
    public var namespaceContainer: String?
    /// Network keys (real names in `networks`) the container attaches to.
    public var networks: [String]
    /// Volume real names the container mounts.
    public var volumes: [String]
}

extension DesiredContainer {
    /// Whether the container is meant to run once: no restart policy brings it back after it
    /// exits, so an exit with code 0 is its success (a job), not something to repair.
    public var runsOnce: Bool {
        let restart = fields.first { $0.path == "restart" }?.value
        let condition = fields.first { $0.path == "deploy.restart_policy.condition" }?.value
        return (restart == nil || restart == "no") && (condition == nil || condition == "none")
    }
}

/// A network the project needs.
public struct DesiredNetwork: Sendable, Equatable {
    public var key: String
    public var name: String
    public var external: Bool
    public var fields: [ConfigField]
    public var configHash: String
}

/// A named volume the project needs.
public struct DesiredVolume: Sendable, Equatable {
    public var key: String
    public var name: String
    public var external: Bool
    public var fields: [ConfigField]
    public var configHash: String
}
