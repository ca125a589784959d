/// Compose's `${VAR}` interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
/// `${VAR:?message}`, `${VAR?message}`, `${VAR:+alternative}`, `${VAR+alternative}` and `$$`
/// for a literal dollar. Defaults, alternatives and messages are themselves interpolated,
/// and only when they are used, so `${A:-${B:?need B}}` fails only when A is empty.
struct Interpolator: Sendable {
    /// Why a template could not be expanded.
    struct Failure: Error, Equatable {
        var message: String
        var hint: String?
        /// `true` for `${VAR:?}` / `${VAR?}` (the user asked for this error), `false` for a malformed template.
        var isRequiredVariable: Bool
    }

    let variables: [String: String]

    /// Expands `text`; names of variables used without a default while unset go to `unset`.
    func expand(_ text: String, unset: inout [String]) throws(Failure) -> String {
        guard text.contains("$") else { return text }
        return try expand(Substring(text), unset: &unset)
    }

    private func expand(_ text: Substring, unset: inout [String]) throws(Failure) -> String {
        var output = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            guard character == "$" else {
                output.append(character)
                index = text.index(after: index)
                continue
            }
            let next = text.index(after: index)
            guard next < text.endIndex else {
                throw Failure(
                    message: "invalid interpolation: `$` at the end of \"\(text)\"",
                    hint: "write `$$` for a literal dollar sign", isRequiredVariable: false)
            }
            switch text[next] {
            case "$":
                output.append("$")
                index = text.index(after: next)
            case "{":
                let bodyStart = text.index(after: next)
                guard let close = closingBrace(in: text, from: bodyStart) else {
                    throw Failure(
                        message: "invalid interpolation: unterminated `${` in \"\(text)\"", hint: "close it with `}`",
                        isRequiredVariable: false)
                }
                output += try expandBraced(text[bodyStart..<close], unset: &unset)
                index = text.index(after: close)
            case let first where Self.isNameStart(first):
                var end = next
                while end < text.endIndex, Self.isNameCharacter(text[end]) { end = text.index(after: end) }
                let name = String(text[next..<end])
                if let value = variables[name] {
                    output += value
                } else {
                    unset.append(name)
                }
                index = end
            default:
                throw Failure(
                    message: "invalid interpolation: `$\(text[next])` in \"\(text)\"",
                    hint: "variable names start with a letter or `_`; write `$$` for a literal dollar sign",
                    isRequiredVariable: false)
            }
        }
        return output
    }

    /// The `}` that closes the `${` whose body starts at `start`, counting nested `${…}`.
    private func closingBrace(in text: Substring, from start: Substring.Index) -> Substring.Index? {
        var depth = 1
        var index = start
        while index < text.endIndex {
            let character = text[index]
            if character == "$" {
                let next = text.index(after: index)
                if next < text.endIndex, text[next] == "$" {
                    index = text.index(after: next)
                    continue
                }
                if next < text.endIndex, text[next] == "{" {
                    depth += 1
                    index = text.index(after: next)
                    continue
                }
            } else if character == "}" {
                depth -= 1
                if depth == 0 { return index }
            }
            index = text.index(after: index)
        }
        return nil
    }

    private func expandBraced(_ body: Substring, unset: inout [String]) throws(Failure) -> String {
        let nameEnd = body.firstIndex { !Self.isNameCharacter($0) } ?? body.endIndex
        let name = String(body[..<nameEnd])
        guard let first = name.first, Self.isNameStart(first) else {
            throw Failure(
                message: "invalid interpolation: `${\(body)}` does not start with a variable name",
                hint: "variable names start with a letter or `_` and contain letters, digits and `_`",
                isRequiredVariable: false)
        }
        let rest = body[nameEnd...]
        let value = variables[name]
        if rest.isEmpty {
            if value == nil { unset.append(name) }
            return value ?? ""
        }
        let isSet = value != nil
        let isNonEmpty = !(value ?? "").isEmpty
        for (op, requiresNonEmpty) in [
            (":-", true), ("-", false), (":?", true), ("?", false), (":+", true), ("+", false),
        ] {
            guard rest.hasPrefix(op) else { continue }
            let argument = rest.dropFirst(op.count)
            let present = requiresNonEmpty ? isNonEmpty : isSet
            switch op.last {
            case "-":
                return present ? value! : try expand(argument, unset: &unset)
            case "+":
                return present ? try expand(argument, unset: &unset) : ""
            default:
                if present { return value! }
                let detail = try expand(argument, unset: &unset)
                let state = requiresNonEmpty && isSet ? "empty" : "not set"
                throw Failure(
                    message: detail.isEmpty
                        ? "required variable \(name) is \(state)" : "required variable \(name) is \(state): \(detail)",
                    hint: "set \(name) in the environment, in .env or with --env-file", isRequiredVariable: true)
            }
        }
        throw Failure(
            message: "invalid interpolation: unsupported operator in `${\(body)}`",
            hint: "use one of :- - :? ? :+ +", isRequiredVariable: false)
    }

    static func isNameStart(_ character: Character) -> Bool {
        character == "_" || (character.isASCII && character.isLetter)
    }

    static func isNameCharacter(_ character: Character) -> Bool {
        character == "_" || (character.isASCII && (character.isLetter || character.isNumber))
    }
}
