import StackFile

/// A service's healthcheck, as the supervisor probes it.
public struct HealthRule: Codable, Sendable, Equatable {
    /// The argv exec'd inside the container.
    public var command: [String]
    public var intervalSeconds: Double
    public var timeoutSeconds: Double
    public var retries: Int
    public var startPeriodSeconds: Double
    public var startIntervalSeconds: Double

    public init(
        command: [String], intervalSeconds: Double = 30, timeoutSeconds: Double = 30, retries: Int = 3,
        startPeriodSeconds: Double = 0, startIntervalSeconds: Double = 5
    ) {
        self.command = command
        self.intervalSeconds = intervalSeconds
        self.timeoutSeconds = timeoutSeconds
        self.retries = retries
        self.startPeriodSeconds = startPeriodSeconds
        self.startIntervalSeconds = startIntervalSeconds
    }

    /// nil when the check is disabled or has no test.
    init?(_ check: Healthcheck) {
        guard !check.disable, let command = HealthProbe.command(check.test) else { return nil }
        self.init(
            command: command, intervalSeconds: check.interval.seconds, timeoutSeconds: check.timeout.seconds,
            retries: max(check.retries, 1), startPeriodSeconds: check.startPeriod.seconds,
            startIntervalSeconds: check.startInterval.seconds)
    }

    /// Seconds between probes `elapsed` seconds after the container started: `start_interval`
    /// during `start_period`, `interval` after it (never below 10 ms).
    public func spacing(elapsed: Double) -> Double {
        max(elapsed < startPeriodSeconds ? startIntervalSeconds : intervalSeconds, 0.01)
    }
}
