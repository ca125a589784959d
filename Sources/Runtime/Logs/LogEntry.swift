/// Which output stream a log line came from.
public enum LogStream: String, Codable, Sendable {
    case stdout
    case stderr
}

/// One line of a container's log.
public struct LogEntry: Codable, Sendable, Equatable {
    /// RFC 3339 with nanoseconds, UTC.
    public var time: String
    public var stream: LogStream
    /// The line including its trailing newline (a last line without one has none).
    public var log: String
}
