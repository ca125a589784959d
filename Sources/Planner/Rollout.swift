/// A rolling update of one service (`deploy.update_config`): its outdated replicas replaced
/// `parallelism` at a time, with what to do when new replicas fail.
public struct Rollout: Sendable, Equatable, Codable {
    public var service: String
    /// The containers to replace, lowest replica number first.
    public var outdated: [String]
    /// How the update proceeds (`update_config`).
    public var update: RolloutStrategy
    /// How a rollback proceeds (`rollback_config`, else Swarm's defaults).
    public var rollback: RolloutStrategy

    public init(service: String, outdated: [String], update: RolloutStrategy, rollback: RolloutStrategy) {
        self.service = service
        self.outdated = outdated
        self.update = update
        self.rollback = rollback
    }

    /// `outdated` cut into the batches the update replaces together.
    public var batches: [[String]] { update.batches(of: outdated) }

    /// `3 replicas, 1 at a time, start-first, monitor 5s, on failure rollback`.
    public var summary: String {
        "\(outdated.count) replica\(outdated.count == 1 ? "" : "s"), \(update.summary)"
    }
}
