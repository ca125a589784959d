import JSON

/// A format-neutral document tree that ``ProjectWriter`` renders as YAML or JSON,
/// with mapping keys sorted so equal projects print identically.
enum OutputValue: Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case list([OutputValue])
    case mapping([String: OutputValue])

    // MARK: YAML

    func yaml() -> String {
        var out = ""
        switch self {
        case .mapping(let entries) where !entries.isEmpty: Self.yamlMapping(entries, indent: 0, into: &out)
        case .list(let items) where !items.isEmpty: Self.yamlList(items, indent: 0, into: &out)
        default: out = yamlInline() + "\n"
        }
        return out
    }

    private static func yamlMapping(_ entries: [String: OutputValue], indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for key in entries.keys.sorted() {
            let value = entries[key]!
            out += pad + yamlString(key) + ":"
            switch value {
            case .mapping(let inner) where !inner.isEmpty:
                out += "\n"
                yamlMapping(inner, indent: indent + 2, into: &out)
            case .list(let items) where !items.isEmpty:
                out += "\n"
                yamlList(items, indent: indent + 2, into: &out)
            default:
                out += " " + value.yamlInline() + "\n"
            }
        }
    }

    private static func yamlList(_ items: [OutputValue], indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for item in items {
            switch item {
            case .mapping(let inner) where !inner.isEmpty:
                // The first key goes on the dash line, the rest aligned under it.
                var block = ""
                yamlMapping(inner, indent: indent + 2, into: &block)
                out += pad + "- " + block.dropFirst(indent + 2)
            case .list(let inner) where !inner.isEmpty:
                out += pad + "-\n"
                yamlList(inner, indent: indent + 2, into: &out)
            default:
                out += pad + "- " + item.yamlInline() + "\n"
            }
        }
    }

    private func yamlInline() -> String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .int(let value): String(value)
        case .double(let value): Self.number(value)
        case .string(let value): Self.yamlString(value)
        case .list: "[]"
        case .mapping: "{}"
        }
    }

    /// Plain when YAML (1.1 or 1.2) reads it back as the same string, double-quoted otherwise.
    static func yamlString(_ text: String) -> String {
        let reserved: Set<String> = [
            "", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n", ".inf", ".nan",
        ]
        let safeCharacters = text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-./@+=".contains($0)) }
        let startsSafely = text.first.map { $0.isLetter || $0.isNumber || $0 == "/" || $0 == "_" || $0 == "." } ?? false
        // Anything YAML 1.1 could read as a number (`8080`, `1e3`, `22:22`, `0x1f`, `1_000`), or a leading sign.
        let looksNumeric =
            text.first.map { $0 == "-" || $0 == "+" } ?? false
            || (text.first.map { $0.isNumber || $0 == "." } ?? false
                && text.allSatisfy { "0123456789_.:eExXoObBabcdefABCDEF+-".contains($0) })
        if safeCharacters, startsSafely, !looksNumeric, !reserved.contains(text.lowercased()),
            !text.hasPrefix(".") || text.count > 1
        {
            return text
        }
        return JSONValue.quoted(text, escapingSlashes: false)
    }

    // MARK: JSON

    func json(indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent)
        let innerPad = String(repeating: "  ", count: indent + 1)
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .int(let value): return String(value)
        case .double(let value): return Self.number(value)
        case .string(let value): return JSONValue.quoted(value, escapingSlashes: false)
        case .list(let items):
            if items.isEmpty { return "[]" }
            return "[\n" + items.map { innerPad + $0.json(indent: indent + 1) }.joined(separator: ",\n") + "\n" + pad
                + "]"
        case .mapping(let entries):
            if entries.isEmpty { return "{}" }
            return "{\n"
                + entries.keys.sorted().map {
                    innerPad + JSONValue.quoted($0, escapingSlashes: false) + ": "
                        + entries[$0]!.json(indent: indent + 1)
                }
                .joined(separator: ",\n") + "\n" + pad + "}"
        }
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
