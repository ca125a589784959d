import Foundation

/// The persisted lifecycle state of a container (`state.json`, written atomically).
public struct ContainerState: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case created
        case running
        case exited
    }

    public var status: Status
    /// Host pid of the container's first process, with its start time (field 22 of
    /// /proc/PID/stat) so that a reused pid is never mistaken for ours.
    public var pid: Int32?
    public var pidStartTime: UInt64?
    /// The process that owns (is the parent of) the container: the CLI or a monitor.
    public var ownerPid: Int32?
    public var ownerStartTime: UInt64?
    public var exitCode: Int32?
    public var oomKilled: Bool
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    /// Why the container failed to start, if it did.
    public var error: String?

    public init(status: Status = .created, createdAt: Date = Date()) {
        self.status = status
        self.oomKilled = false
        self.createdAt = createdAt
    }
}
