/// Where a project's supervisor keeps its socket, pid, log and status files
/// (`<run>/projects/<project>/`) and where `up` saves the project it supervises
/// (`<stateRoot>/projects/<project>/project.json`).
public struct SupervisorPaths: Sendable, Equatable {
    public let stateRoot: String
    public let runDirectory: String
    public let project: String

    public init(stateRoot: String, runDirectory: String, project: String) {
        self.stateRoot = stateRoot
        self.runDirectory = runDirectory
        self.project = project
    }

    public var directory: String { "\(runDirectory)/projects/\(project)" }
    public var socket: String { directory + "/supervisor.sock" }
    /// `PID START-TIME`, written by the supervisor once it holds the pid file's lock.
    public var pidFile: String { directory + "/supervisor.pid" }
    public var log: String { directory + "/supervisor.log" }
    /// Healthcheck status per container (JSON, atomic).
    public var health: String { directory + "/health.json" }
    /// Restart counts and back-off per container (JSON, atomic), so a new supervisor goes on counting.
    public var restarts: String { directory + "/restarts.json" }
    /// `<id>` files: containers a user stopped, never restarted by policy.
    public var stopIntents: String { directory + "/stopped" }
    /// Empty files named after containers a rolling update is about to stop: left out of DNS
    /// answers and port backends.
    public var draining: String { directory + "/draining" }
    public var projectFile: String { "\(stateRoot)/projects/\(project)/project.json" }
    public var projectLock: String { "\(runDirectory)/locks/\(project).lock" }
}
