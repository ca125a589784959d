import Foundation

/// A mount inside the container. Targets are absolute container paths.
public struct Mount: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// A host path (file or directory).
        case bind
        /// A named volume: a host directory swiftstack manages, created when missing. `source` is
        /// its path, or a bare name for `<stateRoot>/volumes/<name>/_data`.
        case volume
        case tmpfs
    }

    public var kind: Kind
    public var source: String
    public var target: String
    public var readOnly: Bool
    /// tmpfs options ("size=64m,mode=1777").
    public var options: String

    public init(kind: Kind, source: String = "", target: String, readOnly: Bool = false, options: String = "") {
        self.kind = kind
        self.source = source
        self.target = target
        self.readOnly = readOnly
        self.options = options
    }

    /// Parses Docker's `-v SRC:DST[:ro|rw]`.
    public static func parseVolume(_ text: String) throws -> Mount {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw RuntimeError(.invalidArgument, "invalid volume '\(text)': expected SOURCE:TARGET[:ro]")
        }
        var readOnly = false
        if parts.count == 3 {
            switch parts[2] {
            case "ro": readOnly = true
            case "rw", "": readOnly = false
            default:
                throw RuntimeError(
                    .invalidArgument, "invalid volume '\(text)': unknown option '\(parts[2])' (use ro or rw)")
            }
        }
        guard parts[1].hasPrefix("/") else {
            throw RuntimeError(.invalidArgument, "invalid volume '\(text)': the target must be an absolute path")
        }
        var source = parts[0]
        if source == "." || source.hasPrefix("./") || source.hasPrefix("../") {
            // A relative host path is a bind mount of that path below the current directory.
            source = FileManager.default.currentDirectoryPath + "/" + source
        }
        return Mount(
            kind: source.hasPrefix("/") ? .bind : .volume, source: source, target: parts[1], readOnly: readOnly)
    }
}
