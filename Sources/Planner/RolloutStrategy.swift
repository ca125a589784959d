import StackFile

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
