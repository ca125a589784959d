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
