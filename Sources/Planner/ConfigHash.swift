import Digest

/// The canonical, schema-versioned hash of a normal form.
///
/// Only fields whose change requires a recreate take part, so an in-place change (a memory
/// limit) or one with no effect on the container (`depends_on`, `deploy.replicas`) keeps the
/// hash. The hashed text is `schemaVersion`, a newline, then `path=value` lines sorted by path,
/// each value escaped so that no value can imitate a line break.
public enum ConfigHash {
    /// Bump when the normal form changes meaning; a golden test guards against accidental changes.
    public static let schemaVersion = "swiftstack.config/v1"

    public static func compute(_ fields: [ConfigField]) -> String {
        let lines = fields.filter { $0.effect == .recreate }
            .map { "\($0.path)=\(escape($0.value))" }
            .sorted()
        return SHA256.hex(([schemaVersion] + lines).joined(separator: "\n"))
    }

    private static func escape(_ value: String) -> String {
        var out = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}
