/// The one error type of the builder: what went wrong, where (file and line), and what to do.
///
/// A parse that finds several problems throws one `BuilderError` whose `diagnostics` lists every
/// problem in line order; its own fields repeat the first one so callers that only show one
/// message still show the earliest.
public struct BuilderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem this is; stable for tests and for the CLI's exit codes.
    public enum Code: String, Sendable, Equatable {
        /// A `# escape=` / duplicated parser directive is invalid.
        case invalidDirective
        /// The instruction keyword is not one Docker knows.
        case unknownInstruction
        /// An instruction's arguments have the wrong count or shape.
        case invalidArguments
        /// A `--flag` an instruction does not accept, or a malformed flag value.
        case invalidFlag
        /// A heredoc was opened and never closed.
        case unterminatedHeredoc
        /// The Dockerfile has no instructions, or an instruction comes before the first `FROM`.
        case noBuildStage
        /// A `${...}` substitution is malformed, or `${v:?msg}` hit an unset variable.
        case substitution
        /// `FROM`/`COPY --from`/`--target` names a stage that does not exist (or not yet).
        case missingStage
        /// Two stages share a name.
        case duplicateStage
        /// A `.dockerignore` pattern cannot be compiled.
        case invalidIgnorePattern
        /// Reading a Dockerfile or ignore file failed.
        case io
    }

    public var code: Code
    public var message: String
    /// The Dockerfile (or ignore file) as the user named it, when known.
    public var file: String?
    /// 1-based line, when known.
    public var line: Int?
    /// What to do about it, e.g. `did you mean COPY?`.
    public var hint: String?
    /// Every problem found, when more than one was collected; empty otherwise.
    public var diagnostics: [BuilderError]

    public init(
        _ code: Code, _ message: String, file: String? = nil, line: Int? = nil, hint: String? = nil,
        diagnostics: [BuilderError] = []
    ) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.hint = hint
        self.diagnostics = diagnostics
    }

    /// Combines collected problems: nil for none, the problem itself for one, otherwise the
    /// first one carrying all of them in `diagnostics`.
    static func combining(_ errors: [BuilderError]) -> BuilderError? {
        guard var first = errors.first else { return nil }
        if errors.count > 1 { first.diagnostics = errors }
        return first
    }

    /// `Dockerfile:7: unknown instruction 'COPPY' (did you mean COPY?)`.
    public var singleLine: String {
        var text = ""
        if let file { text += file + ":" }
        if let line { text += "\(line):" }
        if !text.isEmpty { text += " " }
        text += message
        if let hint { text += " (\(hint))" }
        return text
    }

    /// One line per problem.
    public var description: String {
        diagnostics.isEmpty ? singleLine : diagnostics.map(\.singleLine).joined(separator: "\n")
    }

    /// Every problem, itself included when it stands alone.
    public var allDiagnostics: [BuilderError] { diagnostics.isEmpty ? [self] : diagnostics }
}
