import StackFile

/// A service's restart policy (`restart:` or `deploy.restart_policy`, which wins), reduced to
/// what the supervisor decides with.
public struct RestartRule: Codable, Sendable, Equatable {
    public enum Condition: String, Codable, Sendable {
        case never, always, onFailure, unlessStopped
    }

    public var condition: Condition
    /// Restarts allowed in a row (within `window` when set); nil: unlimited.
    public var maxAttempts: Int?
    /// The first back-off delay; each further failure doubles it up to `maxDelaySeconds`.
    public var delaySeconds: Double
    /// `deploy.restart_policy.window`: attempts older than this no longer count.
    public var windowSeconds: Double?

    /// The longest back-off between two restarts.
    public static let maxDelaySeconds = 30.0
    /// A container that ran this long before exiting starts the back-off afresh.
    public static let resetAfterSeconds = 10.0

    public init(condition: Condition, maxAttempts: Int? = nil, delaySeconds: Double = 0.1, windowSeconds: Double? = nil)
    {
        self.condition = condition
        self.maxAttempts = maxAttempts
        self.delaySeconds = delaySeconds
        self.windowSeconds = windowSeconds
    }

    /// The rule of `service`: `deploy.restart_policy` when it has one, else `restart:`.
    public init(_ service: Service) {
        if let deploy = service.deploy?.restartPolicy {
            let condition: Condition =
                switch deploy.condition {
                case .none: .never
                case .onFailure: .onFailure
                case .any: .always
                }
            self.init(
                condition: condition, maxAttempts: deploy.maxAttempts, delaySeconds: max(deploy.delay.seconds, 0.1),
                windowSeconds: deploy.window.map(\.seconds))
            return
        }
        switch service.restart {
        case .no: self.init(condition: .never)
        case .always: self.init(condition: .always)
        case .unlessStopped: self.init(condition: .unlessStopped)
        case .onFailure(let max): self.init(condition: .onFailure, maxAttempts: max)
        }
    }

    /// Whether a container that exited with `exitCode` (nil: unknown, it died unseen) after
    /// `attempts` restarts should be started again.
    public func shouldRestart(exitCode: Int?, attempts: Int) -> Bool {
        if let maxAttempts, attempts >= maxAttempts { return false }
        switch condition {
        case .never: return false
        case .always, .unlessStopped: return true
        // An exit nobody saw counts as a failure: it was not a clean exit 0 we know of.
        case .onFailure: return exitCode != 0
        }
    }

    /// The wait before restart number `attempt + 1`: exponential, capped.
    public func delay(afterAttempts attempt: Int) -> Double {
        min(delaySeconds * Double(1 << min(attempt, 20)), Self.maxDelaySeconds)
    }
}
