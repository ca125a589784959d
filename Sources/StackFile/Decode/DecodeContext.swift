/// What decoding collects on its way through the tree: findings, and where each value came from.
/// The typed accessors report a wrong type or format themselves and return `nil`, so decoding
/// continues and every error is found in one pass.
struct DecodeContext {
    var diagnostics: [Diagnostic] = []
    var sourceMap = SourceMap()
    /// Variables for `environment: [KEY]` lookups and env files: process environment over `.env`.
    let environment: [String: String]
    /// Where relative paths start: the project directory.
    let projectDirectory: String
    /// Where relative bind sources may lead: the project directory, the directory the user works
    /// in, and the repository holding the project (see ``StackLoader``).
    let bindRoots: [String]
    let home: String?

    mutating func error(_ message: String, at location: SourceLocation?, hint: String? = nil) {
        diagnostics.append(.error(message, at: location, hint: hint))
    }

    mutating func warning(_ message: String, at location: SourceLocation?, hint: String? = nil) {
        diagnostics.append(.warning(message, at: location, hint: hint))
    }

    /// The entries of a mapping node, after checking each key against `schema` and recording
    /// where each value is. `nil` (with an error) when the node is not a mapping.
    mutating func entries(_ node: StackNode, _ path: String, _ schema: KeySchema?) -> [StackNode.Entry]? {
        guard let entries = node.entries else {
            if !node.isNull {
                error(
                    "\(path.isEmpty ? "a stack file" : path) must be a mapping, found \(node.kindName)",
                    at: node.location)
            }
            return node.isNull ? [] : nil
        }
        var kept: [StackNode.Entry] = []
        for entry in entries {
            let entryPath = path.isEmpty ? entry.key : "\(path).\(entry.key)"
            record(entryPath, entry)
            guard let schema else {
                kept.append(entry)
                continue
            }
            if schema.supported.contains(entry.key) {
                kept.append(entry)
            } else if entry.key.hasPrefix("x-") && schema.allowsExtensions {
                continue
            } else if schema.unsupported.contains(entry.key) {
                if entry.key == "version" {
                    warning("`version` is obsolete and ignored", at: entry.keyLocation, hint: "remove it")
                } else {
                    warning("`\(entryPath)` is not supported by swiftstack yet and is ignored", at: entry.keyLocation)
                }
            } else {
                let suggestion = EditDistance.suggestion(for: entry.key, among: schema.all)
                let where_ = path.isEmpty ? "at the top level" : "in \(path)"
                error(
                    "unknown key `\(entry.key)` \(where_)", at: entry.keyLocation,
                    hint: suggestion.map { "did you mean `\($0)`?" }
                        ?? "see the compose specification for the keys allowed here")
            }
        }
        return kept
    }

    /// Remembers where `path` is: a scalar at its value, a mapping or list at its key.
    mutating func record(_ path: String, _ entry: StackNode.Entry) {
        switch entry.value.value {
        case .scalar, .null: sourceMap.record(path, entry.value.location)
        case .mapping, .sequence: sourceMap.record(path, entry.keyLocation)
        }
    }

    mutating func string(_ node: StackNode, _ path: String) -> String? {
        if let text = node.scalar { return text }
        error("\(path) must be a string, found \(node.kindName)", at: node.location)
        return nil
    }

    mutating func int(_ node: StackNode, _ path: String, range: ClosedRange<Int>? = nil) -> Int? {
        guard let text = string(node, path) else { return nil }
        guard let value = Int(text.trimmingWhitespace()) else {
            error("\(path) must be an integer, found \"\(text)\"", at: node.location)
            return nil
        }
        if let range, !range.contains(value) {
            error(
                "\(path) must be between \(range.lowerBound) and \(range.upperBound), found \(value)", at: node.location
            )
            return nil
        }
        return value
    }

    mutating func double(_ node: StackNode, _ path: String) -> Double? {
        guard let text = string(node, path) else { return nil }
        guard let value = Double(text.trimmingWhitespace()), value >= 0 else {
            error("\(path) must be a non-negative number, found \"\(text)\"", at: node.location)
            return nil
        }
        return value
    }

    mutating func bool(_ node: StackNode, _ path: String) -> Bool? {
        guard let text = string(node, path) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "y", "on": return true
        case "false", "no", "n", "off": return false
        default:
            error("\(path) must be true or false, found \"\(text)\"", at: node.location)
            return nil
        }
    }

    mutating func duration(_ node: StackNode, _ path: String) -> TimeSpan? {
        guard let text = string(node, path) else { return nil }
        guard let span = TimeSpan(parsing: text), span.nanoseconds >= 0 else {
            error(
                "\(path): invalid duration \"\(text)\"", at: node.location, hint: "use units like 30s, 1m30s, 500ms, 2h"
            )
            return nil
        }
        return span
    }

    mutating func byteSize(_ node: StackNode, _ path: String) -> Int64? {
        guard let text = string(node, path) else { return nil }
        guard let bytes = ByteSize.parse(text) else {
            error(
                "\(path): invalid byte size \"\(text)\"", at: node.location,
                hint: "use a number with an optional unit b, k, m or g, like 64m or 1g")
            return nil
        }
        return bytes
    }

    /// A string or a list of strings, as a list.
    mutating func stringOrList(_ node: StackNode, _ path: String) -> [String]? {
        if let text = node.scalar { return [text] }
        return stringList(node, path)
    }

    mutating func stringList(_ node: StackNode, _ path: String) -> [String]? {
        guard let items = node.items else {
            if node.isNull { return [] }
            error("\(path) must be a list of strings, found \(node.kindName)", at: node.location)
            return nil
        }
        var result: [String] = []
        for (index, item) in items.enumerated() {
            sourceMap.record("\(path).\(index)", item.location)
            if let text = string(item, "\(path).\(index)") { result.append(text) }
        }
        return result
    }

    /// A mapping or a `KEY=VALUE` list. Keys without a value map to `nil`.
    mutating func keyValues(_ node: StackNode, _ path: String) -> [(
        key: String, value: String?, location: SourceLocation
    )]? {
        let mapped = StackMerger.keyValueListAsMapping(node)
        guard let entries = mapped.entries else {
            if node.isNull { return [] }
            error("\(path) must be a mapping or a list of KEY=VALUE strings, found \(node.kindName)", at: node.location)
            return nil
        }
        var result: [(key: String, value: String?, location: SourceLocation)] = []
        for entry in entries {
            record("\(path).\(entry.key)", entry)
            if entry.value.isNull {
                result.append((entry.key, nil, entry.keyLocation))
            } else if let text = string(entry.value, "\(path).\(entry.key)") {
                result.append((entry.key, text, entry.value.location))
            }
        }
        return result
    }

    /// `keyValues` where a missing value means the empty string (labels, build args).
    mutating func labels(_ node: StackNode, _ path: String) -> [String: String] {
        var result: [String: String] = [:]
        for (key, value, _) in keyValues(node, path) ?? [] { result[key] = value ?? "" }
        return result
    }
}
