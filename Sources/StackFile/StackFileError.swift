/// Why a stack file could not be loaded. Carries every error found, not only the first,
/// so the user can fix them in one pass.
public struct StackFileError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// No stack file was found, or a named file (stack file, env file) does not exist.
        case notFound
        /// A file could not be read.
        case unreadable
        /// YAML syntax error, or a `.env` line that cannot be parsed.
        case syntax
        /// `${VAR}` interpolation failed (`${VAR:?message}` with VAR unset, malformed template).
        case interpolation
        /// The file parsed but does not describe a valid project.
        case invalid
    }

    public var code: Code
    /// Errors (and any warnings found on the way), in file order.
    public var diagnostics: [Diagnostic]

    public init(code: Code, diagnostics: [Diagnostic]) {
        self.code = code
        self.diagnostics = diagnostics
    }

    public init(code: Code, _ message: String, at location: SourceLocation? = nil, hint: String? = nil) {
        self.init(code: code, diagnostics: [.error(message, at: location, hint: hint)])
    }

    /// Only the errors.
    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
