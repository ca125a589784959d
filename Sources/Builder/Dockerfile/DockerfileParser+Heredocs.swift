/// Heredocs: `<<EOF`, `<<-EOF` (strip leading tabs), `<<"EOF"`/`<<'EOF'` (no expansion), `3<<EOF`.
/// Several may open on one line; their bodies follow in order.
extension DockerfileParser {
    /// Finds the heredocs opened in `arguments` and reads their bodies from the following lines.
    mutating func readHeredocs(in arguments: Substring, startLine: Int) -> [Heredoc] {
        var heredocs: [Heredoc] = []
        for word in Self.rawWords(arguments, escape: "\\") {
            guard var heredoc = Self.heredocOpening(word) else { continue }
            var content = ""
            var terminated = false
            while cursor < lines.count {
                let line = lines[cursor]
                cursor += 1
                let body = heredoc.stripsTabs ? String(line.drop(while: { $0 == "\t" })) : line
                if body == heredoc.name {
                    terminated = true
                    break
                }
                content += body
                content += "\n"
            }
            guard terminated else {
                errors.append(
                    error(
                        .unterminatedHeredoc, "heredoc '<<\(heredoc.name)' is not terminated", line: startLine,
                        hint: "end it with a line holding only '\(heredoc.name)'"))
                return heredocs
            }
            heredoc.content = content
            heredocs.append(heredoc)
        }
        return heredocs
    }

    /// Parses a word such as `<<EOF`, `<<-"END"` or `3<<EOF`; nil when it opens no heredoc.
    static func heredocOpening(_ word: String) -> Heredoc? {
        var rest = Substring(word)
        let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
        rest = rest.dropFirst(digits.count)
        guard rest.hasPrefix("<<") else { return nil }
        rest = rest.dropFirst(2)
        let stripsTabs = rest.first == "-"
        if stripsTabs { rest = rest.dropFirst() }
        guard !rest.isEmpty, !rest.contains("<") else { return nil }
        let quoted = rest.contains("\"") || rest.contains("'")
        let name = String(rest.filter { $0 != "\"" && $0 != "'" && $0 != "\\" })
        guard !name.isEmpty else { return nil }
        return Heredoc(
            name: name, content: "", expands: !quoted, stripsTabs: stripsTabs,
            fileDescriptor: digits.isEmpty ? nil : Int(digits))
    }
}
