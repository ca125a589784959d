/// A process to start inside a running container (`exec`).
public struct ExecSpec: Sendable {
    public var command: [String]
    /// Extra "KEY=VALUE" entries on top of the container's environment.
    public var environment: [String]
    /// nil: the container's user.
    public var user: String?
    /// nil: the container's working directory.
    public var workingDirectory: String?
    public var tty: Bool

    public init(
        command: [String], environment: [String] = [], user: String? = nil,
        workingDirectory: String? = nil, tty: Bool = false
    ) {
        self.command = command
        self.environment = environment
        self.user = user
        self.workingDirectory = workingDirectory
        self.tty = tty
    }
}
