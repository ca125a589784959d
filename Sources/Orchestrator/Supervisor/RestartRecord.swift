import Foundation

/// What the supervisor remembers (on disk) about restarting one container: how often, when,
/// and which exit it has already acted on, so a new supervisor never counts an exit twice.
public struct RestartRecord: Codable, Sendable, Equatable {
    public var containerID: String
    /// When each restart happened (for `max_attempts` within `window`).
    public var restarts: [Date]
    /// Failures in a row, for the back-off; reset when a container ran long enough.
    public var streak: Int
    /// The run (process start time) whose exit a restart is scheduled for or was given up on.
    public var handledRun: String?
    /// When the scheduled restart is due.
    public var dueAt: Date?
    /// Set once the policy said no for `handledExit`.
    public var gaveUp: Bool

    public init(containerID: String) {
        self.containerID = containerID
        restarts = []
        streak = 0
        gaveUp = false
    }

    /// Restarts that count against `max_attempts` now.
    public func attempts(rule: RestartRule, now: Date) -> Int {
        guard let window = rule.windowSeconds else { return restarts.count }
        return restarts.filter { now.timeIntervalSince($0) <= window }.count
    }

    /// Decides about the exit of `run` (its process start time), seen now; returns true when a
    /// restart got scheduled.
    public mutating func schedule(
        run: String, ranFor seconds: Double?, exitCode: Int?, rule: RestartRule, now: Date
    ) -> Bool {
        handledRun = run
        if let seconds, seconds >= RestartRule.resetAfterSeconds { streak = 0 }
        guard rule.shouldRestart(exitCode: exitCode, attempts: attempts(rule: rule, now: now)) else {
            gaveUp = true
            dueAt = nil
            return false
        }
        gaveUp = false
        // From when the exit is seen (within a tick of it): the runtime records exit times to
        // the second only, too coarse for a 0.1 s first step.
        dueAt = now.addingTimeInterval(rule.delay(afterAttempts: streak))
        return true
    }

    /// Notes a restart done now.
    public mutating func restarted(at now: Date) {
        restarts.append(now)
        if restarts.count > 100 { restarts.removeFirst(restarts.count - 100) }
        streak += 1
        dueAt = nil
    }
}

/// `restarts.json`: container name → record.
public enum RestartFile {
    public static func load(_ path: String) -> [String: RestartRecord] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        return (try? JSONDecoder.iso.decode([String: RestartRecord].self, from: data)) ?? [:]
    }

    static func save(_ records: [String: RestartRecord], to path: String) throws {
        try AtomicFile.write(try JSONEncoder.iso.encode(records), to: path, mode: 0o644)
    }
}
