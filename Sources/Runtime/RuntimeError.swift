/// The one error type of the Runtime target: a code to branch on and a message that says what
/// failed, where, and what to do about it.
public struct RuntimeError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable, Equatable {
        case invalidArgument
        case notFound
        case alreadyExists
        case invalidState
        case userNotFound
        case mountSourceMissing
        case commandNotFound
        case commandNotInvokable
        case startFailed
        case cgroup
        case system
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// Docker's exit-code convention for a container that never ran: 127 when the command does
    /// not exist, 126 when it cannot be invoked, 125 when swiftstack itself failed.
    public var exitCode: Int32 {
        switch code {
        case .commandNotFound: return 127
        case .commandNotInvokable: return 126
        default: return 125
        }
    }
}
