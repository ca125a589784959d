import Yams

/// Turns YAML text into a ``StackNode`` tree: Yams composes the nodes (aliases already
/// resolved to their anchors), this resolves `<<` merge keys, which Yams leaves to its
/// untyped constructor, and records each node's position.
enum YAMLReader {
    static func read(_ text: String, file: String) throws(StackFileError) -> StackNode? {
        let composed: Yams.Node?
        do {
            // No implicit-tag rules: scalars stay strings (the typed model converts them, with
            // locations), and the default resolver would compile seven regular expressions on
            // every load. An explicit tag (`!!str null`) is still read from `tag.rawValue`.
            composed = try Yams.compose(yaml: text, .basic)
        } catch let error as YamlError {
            throw StackFileError(code: .syntax, diagnostics: [diagnostic(for: error, file: file, text: text)])
        } catch {
            throw StackFileError(code: .syntax, "\(error)", at: SourceLocation(file: file, line: 1, column: 1))
        }
        guard let composed else { return nil }
        var diagnostics: [Diagnostic] = []
        let node = convert(composed, file: file, diagnostics: &diagnostics)
        if !diagnostics.isEmpty { throw StackFileError(code: .syntax, diagnostics: diagnostics) }
        return node
    }

    private static func location(of node: Yams.Node, file: String) -> SourceLocation {
        let mark = node.mark
        return SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    private static func convert(_ node: Yams.Node, file: String, diagnostics: inout [Diagnostic]) -> StackNode {
        let here = location(of: node, file: file)
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain, isNullWord(scalar.string), scalar.tag.rawValue != Tag.Name.str.rawValue {
                return StackNode(.null, at: here)
            }
            return StackNode(.scalar(scalar.string), at: here)
        case .sequence(let sequence):
            return StackNode(.sequence(sequence.map { convert($0, file: file, diagnostics: &diagnostics) }), at: here)
        case .alias:
            // Yams substitutes the anchored node for an alias while composing.
            diagnostics.append(.error("unresolved YAML alias", at: here))
            return StackNode(.null, at: here)
        case .mapping(let mapping):
            var explicit: [StackNode.Entry] = []
            var merged: [StackNode.Entry] = []
            for (keyNode, valueNode) in mapping {
                guard case .scalar(let keyScalar) = keyNode else {
                    diagnostics.append(
                        .error(
                            "mapping keys must be strings, found \(describe(keyNode))",
                            at: location(of: keyNode, file: file)))
                    continue
                }
                let value = convert(valueNode, file: file, diagnostics: &diagnostics)
                if keyScalar.string == "<<", keyScalar.style == .plain {
                    merged += mergeSources(value, diagnostics: &diagnostics)
                    continue
                }
                explicit.append(
                    StackNode.Entry(key: keyScalar.string, keyLocation: location(of: keyNode, file: file), value: value)
                )
            }
            // YAML merge keys: explicit keys win, then the first merged mapping that has the key.
            var seen = Set(explicit.map(\.key))
            var result: [StackNode.Entry] = []
            for entry in merged where !seen.contains(entry.key) {
                seen.insert(entry.key)
                result.append(entry)
            }
            return StackNode(.mapping(result + explicit), at: here)
        }
    }

    private static func mergeSources(_ value: StackNode, diagnostics: inout [Diagnostic]) -> [StackNode.Entry] {
        switch value.value {
        case .mapping(let entries): return entries
        case .sequence(let items):
            var entries: [StackNode.Entry] = []
            for item in items {
                guard let itemEntries = item.entries else {
                    diagnostics.append(
                        .error("a `<<` merge list may only hold mappings, found \(item.kindName)", at: item.location))
                    continue
                }
                entries += itemEntries
            }
            return entries
        default:
            diagnostics.append(
                .error(
                    "`<<` merges a mapping or a list of mappings, found \(value.kindName)", at: value.location,
                    hint: "write `<<: *anchor` where the anchor names a mapping"))
            return []
        }
    }

    private static func isNullWord(_ text: String) -> Bool {
        ["", "~", "null", "Null", "NULL"].contains(text)
    }

    private static func describe(_ node: Yams.Node) -> String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .scalar, .alias: "a scalar"
        }
    }

    static func diagnostic(for error: YamlError, file: String, text: String) -> Diagnostic {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            // libyaml phrases some problems as the second half of a sentence ("but found …").
            let message =
                context.map { problem.hasPrefix("but ") ? "\($0.text), \(problem)" : "\(problem) \($0.text)" }
                ?? problem
            return .error("YAML syntax: \(message)", at: at(mark))
        case .duplicatedKeysInMapping(let duplicates, let context):
            let repeated = duplicates.first.flatMap { repeatedKey($0, after: context.mark, in: text) }
            let location =
                repeated.map { SourceLocation(file: file, line: $0.line, column: $0.column) } ?? at(context.mark)
            return .error(
                "duplicate key \(duplicates.map { "`\($0)`" }.joined(separator: ", ")) in mapping", at: location,
                hint: "each key may appear once per mapping")
        default:
            return .error("YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1))
        }
    }

    /// Yams names the first occurrence of a duplicated key; the user needs the repeated one,
    /// which in block style starts a later line at the same column.
    private static func repeatedKey(_ key: String, after mark: Mark, in text: String) -> (line: Int, column: Int)? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard mark.line >= 1, mark.line < lines.count else { return nil }
        for index in mark.line..<lines.count {
            let line = lines[index]
            let indent = line.prefix { $0 == " " }.count
            guard indent + 1 <= mark.column else { return nil }
            if indent + 1 == mark.column, line.dropFirst(indent).hasPrefix(key),
                line.dropFirst(indent + key.count).drop(while: { $0 == " " }).hasPrefix(":")
            {
                return (index + 1, mark.column)
            }
        }
        return nil
    }
}
