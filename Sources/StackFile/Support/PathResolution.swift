/// Lexical path handling (no file system access): joining, `.`/`..` removal, `~` expansion.
enum PathResolution {
    /// `path` made absolute against `base` and cleaned; `~` and `~/…` use `home`.
    static func absolute(_ path: String, base: String, home: String?) -> String {
        var path = path
        if path == "~" || path.hasPrefix("~/"), let home {
            path = home + path.dropFirst()
        }
        if !path.hasPrefix("/") { path = base + "/" + path }
        return clean(path)
    }

    /// Removes `.`, `..` and repeated slashes from an absolute path.
    static func clean(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// Whether `path` is `directory` or below it (both absolute and clean).
    static func isInside(_ path: String, _ directory: String) -> Bool {
        directory == "/" || path == directory || path.hasPrefix(directory + "/")
    }

    /// The last component of a path.
    static func baseName(_ path: String) -> String {
        String(clean(path).split(separator: "/").last ?? "")
    }

    /// The directory part of a path (`/` for top-level entries).
    static func directoryName(_ path: String) -> String {
        let cleaned = clean(path)
        guard let slash = cleaned.lastIndex(of: "/"), slash != cleaned.startIndex else { return "/" }
        return String(cleaned[..<slash])
    }
}
