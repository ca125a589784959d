/// A `.dockerignore` with Docker's rules: each line is a pattern cleaned like Go's
/// `filepath.Clean` (a leading `/` dropped), `#` at the start of a line is a comment, `!`
/// re-includes, and the last pattern that matches a path (or one of its parent directories)
/// decides.
public struct DockerIgnore: Sendable, Equatable {
    public let patterns: [IgnorePattern]

    /// Patterns as `.dockerignore` lines; comments and blank lines are skipped.
    /// - Throws: `BuilderError` `.invalidIgnorePattern` for an unclosed class, a lone `!`, ….
    public init(patterns lines: [String]) throws {
        var patterns: [IgnorePattern] = []
        for line in lines {
            if line.hasPrefix("#") { continue }
            var pattern = line.trimmingWhitespace
            if pattern.isEmpty { continue }
            let isException = pattern.hasPrefix("!")
            if isException {
                pattern = String(pattern.dropFirst()).trimmingWhitespace
                guard !pattern.isEmpty else {
                    throw BuilderError(
                        .invalidIgnorePattern, "illegal exclusion pattern '!'",
                        hint: "write the path to re-include after the '!'")
                }
            }
            pattern = ContextPath.clean(pattern)
            if pattern.count > 1, pattern.hasPrefix("/") { pattern.removeFirst() }
            patterns.append(try IgnorePattern(pattern: pattern, isException: isException))
        }
        self.patterns = patterns
    }

    /// Parses the text of a `.dockerignore` file.
    public init(contents: String) throws {
        var text = Substring(contents)
        if text.hasPrefix("\u{FEFF}") { text = text.dropFirst() }
        // "\r\n" is one Character, so split on either spelling of a line end.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        try self.init(patterns: lines.map(String.init))
    }

    /// Whether `path` (relative to the context, `/`-separated) is left out of the context.
    public func excludes(path: String) -> Bool {
        let file = Self.relative(path)
        var parents: [String] = []
        var components = file.split(separator: "/").map(String.init)
        components.removeLast()
        var prefix = ""
        for component in components {
            prefix = prefix.isEmpty ? component : prefix + "/" + component
            parents.append(prefix)
        }
        var excluded = false
        for pattern in patterns {
            // Only a pattern that could change the answer needs evaluating.
            guard pattern.isException == excluded else { continue }
            if pattern.matches(file) || parents.contains(where: pattern.matches) {
                excluded = !pattern.isException
            }
        }
        return excluded
    }

    /// Whether a walker must descend into `directory`: it is not excluded, or an exception
    /// pattern could re-include something below it. False means every path inside is excluded.
    public func mayContainIncluded(directory: String) -> Bool {
        let directory = Self.relative(directory)
        guard excludes(path: directory) else { return true }
        let prefix = directory == "." ? "" : directory + "/"
        return patterns.contains { $0.isException && $0.couldMatch(pathsStartingWith: prefix) }
    }

    /// Whether there are any patterns at all (a walker can skip matching when not).
    public var isEmpty: Bool { patterns.isEmpty }

    static func relative(_ path: String) -> String {
        var cleaned = ContextPath.clean(path)
        while cleaned.hasPrefix("/") { cleaned.removeFirst() }
        return cleaned.isEmpty ? "." : cleaned
    }
}

/// Lexical path cleaning with Go's `filepath.Clean` semantics (no file system access).
public enum ContextPath {
    /// `a//b/./c/..` → `a/b`; `/../x` → `/x`; `../x` stays; empty → `.`.
    public static func clean(_ path: String) -> String {
        guard !path.isEmpty else { return "." }
        let rooted = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." {
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !rooted {
                    parts.append(part)
                }
                continue
            }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        if rooted { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}
