/// One finding about a stack file: what is wrong, where, and what to do.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable, Equatable {
        case error, warning
    }

    public var severity: Severity
    public var message: String
    /// Where the offending value (or key) starts; `nil` when the finding is about no one place.
    public var location: SourceLocation?
    /// What the user can do about it.
    public var hint: String?

    public init(severity: Severity, message: String, location: SourceLocation? = nil, hint: String? = nil) {
        self.severity = severity
        self.message = message
        self.location = location
        self.hint = hint
    }

    public static func error(_ message: String, at location: SourceLocation?, hint: String? = nil) -> Diagnostic {
        Diagnostic(severity: .error, message: message, location: location, hint: hint)
    }

    public static func warning(_ message: String, at location: SourceLocation?, hint: String? = nil) -> Diagnostic {
        Diagnostic(severity: .warning, message: message, location: location, hint: hint)
    }

    /// `compose.yaml:12:7: error: message (hint)`, the shape compilers use so editors can jump to it.
    public var description: String {
        var text = ""
        if let location { text += "\(location): " }
        text += "\(severity.rawValue): \(message)"
        if let hint { text += " (\(hint))" }
        return text
    }
}
