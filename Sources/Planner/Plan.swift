/// An ordered plan: atomic actions forming a dependency graph, grouped into waves whose
/// actions are independent of each other and may run in parallel.
public struct Plan: Sendable, Equatable, Codable {
    public var project: String
    public var actions: [Action]
    /// Things worth saying that change nothing (orphans left alone, a volume whose
    /// config differs but whose data is kept).
    public var warnings: [String]
    /// Up-to-date containers, for the summary.
    public var unchanged: [String]

    public init(project: String, actions: [Action] = [], warnings: [String] = [], unchanged: [String] = []) {
        self.project = project
        self.actions = actions
        self.warnings = warnings
        self.unchanged = unchanged
    }

    public var isEmpty: Bool { actions.isEmpty }

    /// Actions grouped by depth in the dependency graph: every action of wave k depends
    /// only on actions of earlier waves.
    public var waves: [[Action]] {
        var depth: [Int: Int] = [:]
        for action in actions {  // actions are appended after their dependencies
            depth[action.id] = (action.dependsOn.compactMap { depth[$0] }.max() ?? -1) + 1
        }
        let count = (depth.values.max() ?? -1) + 1
        var waves = Array(repeating: [Action](), count: count)
        for action in actions { waves[depth[action.id]!].append(action) }
        return waves
    }
}

/// One atomic step of a plan.
public struct Action: Sendable, Equatable, Codable, Identifiable {
    public enum Kind: String, Sendable, Equatable, Codable {
        case createNetwork = "create-network"
        case removeNetwork = "remove-network"
        case createVolume = "create-volume"
        case removeVolume = "remove-volume"
        case buildImage = "build-image"
        case createContainer = "create-container"
        case startContainer = "start-container"
        case stopContainer = "stop-container"
        case removeContainer = "remove-container"
        /// Stop, remove, create and start with the new config, keeping the name.
        case recreateContainer = "recreate-container"
        /// Apply in-place changes (cgroup limits, restart policy) to a running container.
        case updateContainer = "update-container"
        /// Restart because a `depends_on` dependency with `restart: true` was replaced.
        case restartContainer = "restart-container"
        /// Replace a service's outdated replicas in batches (`deploy.update_config`); the target
        /// is the service, `rollout` says which containers and how.
        case rollOut = "roll-out"
    }

    public var id: Int
    public var kind: Kind
    /// Container, network or volume name, or image reference.
    public var target: String
    /// The service the target belongs to, when it is a container or a built image.
    public var service: String?
    /// Why, in words a user reads: `environment.DB_HOST changed ("127.0.0.1" → "mysql")`.
    public var reasons: [String]
    /// Field-level changes behind a recreate or update.
    public var changes: [FieldChange]
    /// Actions that must finish first.
    public var dependsOn: [Int]
    /// For `rollOut`: the containers to replace and the update's parameters.
    public var rollout: Rollout?

    public init(
        id: Int, kind: Kind, target: String, service: String? = nil, reasons: [String] = [],
        changes: [FieldChange] = [], dependsOn: [Int] = [], rollout: Rollout? = nil
    ) {
        self.id = id
        self.kind = kind
        self.target = target
        self.service = service
        self.reasons = reasons
        self.changes = changes
        self.dependsOn = dependsOn
        self.rollout = rollout
    }
}
