/// The one error type of the `Images` target: what went wrong, where, and what to do.
public struct ImageError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure this is; callers branch on it (for example the CLI's exit status).
    public enum Code: String, Sendable, Equatable {
        /// No image, tag, blob or file matches what was asked for.
        case notFound
        /// A reference (`NAME[:TAG]`, id or id prefix) is malformed or ambiguous.
        case invalidReference
        /// An archive tries to write outside its layer, holds forbidden entries, or exceeds a limit.
        case unsafeArchive
        /// Stored content does not match its digest or cannot be parsed.
        case corrupt
        /// A system call or libarchive failed.
        case io
        /// An argument is invalid (for example an empty path).
        case invalidArgument
        /// The image is in use (by a container) or known by several names: removing it needs force.
        case conflict
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    init(_ code: Code, _ message: String) {
        self.init(code: code, message: message)
    }

    public var description: String { message }
}
