import StackFile

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

/// The parameters of a rolling update or of its rollback, in seconds.
public struct RolloutStrategy: Sendable, Equatable, Codable {
    /// Replicas replaced together; 0 means all at once (as in Swarm).
    public var parallelism: Int
    /// Seconds between two batches.
    public var delay: Double
    public var order: Order
    /// Seconds each new replica is watched after it is ready; an exit or unhealthy state within
    /// them counts as a failure.
    public var monitor: Double
    public var failureAction: FailureAction
    /// The fraction of replicas that may fail before `failureAction` applies.
    public var maxFailureRatio: Double

    public enum Order: String, Sendable, Equatable, Codable {
        /// Stop an old replica, then start its replacement under the same name.
        case stopFirst = "stop-first"
        /// Start the replacement under a free replica number, wait until it is ready, then stop
        /// the old one: the service never has fewer ready replicas than asked.
        case startFirst = "start-first"
    }

    public enum FailureAction: String, Sendable, Equatable, Codable {
        case `continue`, rollback, pause
    }

    public init(
        parallelism: Int = 1, delay: Double = 0, order: Order = .stopFirst, monitor: Double = 5,
        failureAction: FailureAction = .pause, maxFailureRatio: Double = 0
    ) {
        self.parallelism = parallelism
        self.delay = delay
        self.order = order
        self.monitor = monitor
        self.failureAction = failureAction
        self.maxFailureRatio = maxFailureRatio
    }

    /// The strategy a stack file's `update_config` or `rollback_config` describes.
    public init(_ config: UpdateConfig) {
        self.init(
            parallelism: config.parallelism, delay: Double(config.delay.nanoseconds) / 1e9,
            order: config.order == .startFirst ? .startFirst : .stopFirst,
            monitor: Double(config.monitor.nanoseconds) / 1e9,
            failureAction: FailureAction(rawValue: config.failureAction.rawValue) ?? .pause,
            maxFailureRatio: config.maxFailureRatio)
    }

    /// Swarm's `rollback_config` defaults.
    public static let defaultRollback = RolloutStrategy()

    /// `names` in batches of `parallelism` (all in one batch for 0).
    public func batches(of names: [String]) -> [[String]] {
        let size = parallelism <= 0 ? max(names.count, 1) : parallelism
        return stride(from: 0, to: names.count, by: size).map { Array(names[$0..<min($0 + size, names.count)]) }
    }

    /// `1 at a time, start-first, monitor 5s, on failure rollback`.
    public var summary: String {
        let size = parallelism <= 0 ? "all at once" : "\(parallelism) at a time"
        var parts = [size, order.rawValue]
        if delay > 0 { parts.append("delay \(Self.seconds(delay))") }
        parts.append("monitor \(Self.seconds(monitor))")
        parts.append("on failure \(failureAction.rawValue)")
        return parts.joined(separator: ", ")
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value))s" : "\(value)s"
    }
}

/// Failures seen during a rollout and what they call for, as Swarm counts them: the update's
/// failure action applies once `failures / replicas to update > max_failure_ratio`.
public struct RolloutProgress: Sendable, Equatable {
    public enum Decision: String, Sendable, Equatable {
        /// Go on with the next batch.
        case proceed
        /// Stop the rollout where it is, and report it.
        case pause
        /// Stop the rollout and return every replica to the previous configuration.
        case rollback
    }

    public let strategy: RolloutStrategy
    /// The number of replicas the rollout replaces.
    public let total: Int
    public private(set) var failures: [String] = []

    public init(strategy: RolloutStrategy, total: Int) {
        self.strategy = strategy
        self.total = total
    }

    /// Counts a new replica that failed (exited or turned unhealthy before it was ready or while
    /// it was monitored); a replica is counted once.
    public mutating func fail(_ name: String) -> Decision {
        if !failures.contains(name) { failures.append(name) }
        return decision
    }

    /// What the failures so far call for.
    public var decision: Decision {
        guard !failures.isEmpty, Double(failures.count) / Double(max(total, 1)) > strategy.maxFailureRatio else {
            return .proceed
        }
        switch strategy.failureAction {
        case .continue: return .proceed
        case .pause: return .pause
        case .rollback: return .rollback
        }
    }

    /// A start-first replacement's replica number: the lowest one no container of the service uses.
    public static func freeIndex(used: Set<Int>) -> Int {
        var index = 1
        while used.contains(index) { index += 1 }
        return index
    }
}
