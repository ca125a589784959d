import Planner

/// The one error type of the Orchestrator target.
public struct OrchestratorError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidPlan
        case unsupported
        case dependencyFailed
        case timeout
        case engine
        case locked
        case notFound
        case portInUse
        /// A rolling update paused or was rolled back (`container` names the service).
        case rolloutFailed
    }

    public var code: Code
    public var message: String
    public var hint: String?
    /// The container the failure is about, when there is one (a failed `up --wait` shows its last log lines).
    public var container: String?

    public init(_ code: Code, _ message: String, hint: String? = nil, container: String? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
        self.container = container
    }

    public var description: String { hint.map { "\(message) (\($0))" } ?? message }

    /// `error` as an orchestrator error naming the action it broke.
    static func wrap(_ error: any Error, action: Action) -> OrchestratorError {
        if let error = error as? OrchestratorError { return error }
        return OrchestratorError(.engine, "\(action.line.split(separator: ":").first ?? ""): \(error)")
    }
}
