/// Reads `.env` files as Compose does: `KEY=value` lines, an optional `export ` prefix,
/// `#` comments (whole lines, or after whitespace in an unquoted value), single quotes
/// for literal text, double quotes with escapes (`\n`, `\t`, `\r`, `\\`, `\"`, `\$`) that may
/// span lines, and `${VAR}` interpolation in unquoted and double-quoted values.
/// A bare `KEY` takes the value from `lookup` and is skipped when unset there.
enum DotEnvParser {
    /// The variables of `text` in file order; later lines win.
    /// - Parameter environment: variables interpolation may use besides the ones defined above
    ///   (they win over the file's, as the process environment wins in Compose).
    static func parse(_ text: String, file: String, environment: [String: String] = [:]) throws(StackFileError) -> [(
        key: String, value: String
    )] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasSuffix("\r") ? line.dropLast() : line
        }
        var result: [(key: String, value: String)] = []
        var defined: [String: String] = [:]
        var errors: [Diagnostic] = []
        var lineIndex = 0
        while lineIndex < lines.count {
            let lineNumber = lineIndex + 1
            var line = lines[lineIndex].drop { $0 == " " || $0 == "\t" }
            let indent = lines[lineIndex].count - line.count
            lineIndex += 1
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = line.dropFirst("export ".count).drop { $0 == " " } }
            let here = SourceLocation(file: file, line: lineNumber, column: indent + 1)

            guard let equals = line.firstIndex(of: "=") else {
                let key = String(line).trimmingWhitespace()
                guard isValidKey(key) else {
                    errors.append(.error("invalid line in env file: \"\(line)\"", at: here, hint: "write KEY=VALUE"))
                    continue
                }
                if let value = environment[key] ?? defined[key] {
                    defined[key] = value
                    result.append((key, value))
                }
                continue
            }
            let key = String(line[..<equals]).trimmingWhitespace()
            guard isValidKey(key) else {
                errors.append(
                    .error(
                        "invalid variable name \"\(key)\" in env file", at: here,
                        hint: "names use letters, digits, `_`, `.` and `-`, and do not start with a digit"))
                continue
            }
            var raw = line[line.index(after: equals)...].drop { $0 == " " || $0 == "\t" }
            let value: String
            do throws(Interpolator.Failure) {
                if let quote = raw.first, quote == "'" || quote == "\"" {
                    // A quoted value may run over several lines until its closing quote.
                    var body = String(raw.dropFirst())
                    var closing = closingQuote(quote, in: body)
                    while closing == nil, lineIndex < lines.count {
                        body += "\n" + lines[lineIndex]
                        lineIndex += 1
                        closing = closingQuote(quote, in: body)
                    }
                    guard let closing else {
                        errors.append(
                            .error(
                                "unterminated \(quote == "'" ? "single" : "double")-quoted value for \(key)", at: here,
                                hint: "close the value with \(quote)"))
                        continue
                    }
                    let trailing = String(body[body.index(after: closing)...]).trimmingWhitespace()
                    if !trailing.isEmpty && !trailing.hasPrefix("#") {
                        errors.append(
                            .error("unexpected text after the quoted value of \(key): \"\(trailing)\"", at: here))
                        continue
                    }
                    let inner = String(body[..<closing])
                    value =
                        quote == "'"
                        ? inner : try interpolate(unescape(inner), defined: defined, environment: environment)
                } else {
                    if let comment = commentStart(in: raw) { raw = raw[..<comment] }
                    value = try interpolate(
                        String(raw).trimmingWhitespace(), defined: defined, environment: environment)
                }
            } catch {
                errors.append(.error(error.message, at: here, hint: error.hint))
                continue
            }
            defined[key] = value
            result.append((key, value))
        }
        if !errors.isEmpty { throw StackFileError(code: .syntax, diagnostics: errors) }
        return result
    }

    /// `parse` folded into a dictionary (later lines win).
    static func variables(_ text: String, file: String, environment: [String: String] = [:]) throws(StackFileError)
        -> [String: String]
    {
        var variables: [String: String] = [:]
        for (key, value) in try parse(text, file: file, environment: environment) { variables[key] = value }
        return variables
    }

    private static func isValidKey(_ key: String) -> Bool {
        guard let first = key.first, first == "_" || (first.isASCII && first.isLetter) else { return false }
        return key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-") }
    }

    private static func closingQuote(_ quote: Character, in body: String) -> String.Index? {
        var index = body.startIndex
        while index < body.endIndex {
            let character = body[index]
            if quote == "\"", character == "\\" {
                index = body.index(after: index)
                if index < body.endIndex { index = body.index(after: index) }
                continue
            }
            if character == quote { return index }
            index = body.index(after: index)
        }
        return nil
    }

    /// A `#` preceded by whitespace starts a comment in an unquoted value.
    private static func commentStart(in value: Substring) -> Substring.Index? {
        var previous: Character = " "
        for index in value.indices {
            if value[index] == "#", previous == " " || previous == "\t" { return index }
            previous = value[index]
        }
        return nil
    }

    /// Resolves backslash escapes; `\$` becomes `$$` so that interpolation leaves a literal `$`.
    private static func unescape(_ text: String) -> String {
        var output = ""
        var escaping = false
        for character in text {
            if escaping {
                switch character {
                case "n": output.append("\n")
                case "t": output.append("\t")
                case "r": output.append("\r")
                case "\\": output.append("\\")
                case "\"": output.append("\"")
                case "$": output.append("$$")
                default:
                    output.append("\\")
                    output.append(character)
                }
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                output.append(character)
            }
        }
        if escaping { output.append("\\") }
        return output
    }

    private static func interpolate(_ text: String, defined: [String: String], environment: [String: String])
        throws(Interpolator.Failure) -> String
    {
        var unset: [String] = []
        return try Interpolator(variables: defined.merging(environment) { _, fromEnvironment in fromEnvironment })
            .expand(text, unset: &unset)
    }
}
