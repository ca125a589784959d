/// Parses Dockerfile text into a `Dockerfile` with Docker's rules: parser directives at the top,
/// line continuations, comments, heredocs, exec/shell forms and per-instruction validation.
///
/// All problems are collected; `parse` throws one `BuilderError` listing them in line order.
public struct DockerfileParser {
    /// The file name used in errors (`Dockerfile:7: …`).
    let file: String
    /// Physical lines, without their line terminators.
    let lines: [String]
    /// Index into `lines` of the next line to read.
    var cursor = 0
    var directives = ParserDirectives()
    var errors: [BuilderError] = []

    /// Parses `source`; `file` names it in error messages.
    public static func parse(_ source: String, file: String = "Dockerfile") throws -> Dockerfile {
        var parser = DockerfileParser(file: file, lines: physicalLines(source))
        let instructions = parser.parseAll()
        let stages = parser.formStages(instructions)
        parser.errors = parser.errors.enumerated()
            .sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }.map(\.element)
        if let error = BuilderError.combining(parser.errors) { throw error }
        return Dockerfile(file: file, directives: parser.directives, instructions: instructions, stages: stages)
    }

    /// Parses one ONBUILD trigger as an image config stores it (`"RUN echo hi"`), for a stage
    /// whose base image carries triggers.
    public static func parseTrigger(_ text: String, escape: Character = "\\", file: String = "ONBUILD") throws
        -> Instruction
    {
        var parser = DockerfileParser(file: file, lines: [])
        parser.directives.escape = escape
        let instruction = parser.parseInstruction(text, lines: 1...1, allowHeredocs: false)
        if let instruction, [.onbuild, .from, .maintainer].contains(instruction.keyword) {
            parser.errors.append(
                parser.error(
                    .invalidArguments, "\(instruction.keyword.rawValue) isn't allowed as an ONBUILD trigger", line: 1))
        }
        if let error = BuilderError.combining(parser.errors) { throw error }
        guard let instruction else {
            throw BuilderError(.invalidArguments, "empty ONBUILD trigger", file: file, line: 1)
        }
        return instruction
    }

    init(file: String, lines: [String]) {
        self.file = file
        self.lines = lines
    }

    /// Splits on `\n`, dropping a `\r` before it and a UTF-8 byte-order mark at the start.
    static func physicalLines(_ source: String) -> [String] {
        var bytes = Array(source.utf8)[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
        }
        // A final newline does not start another line.
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    func error(_ code: BuilderError.Code, _ message: String, line: Int, hint: String? = nil) -> BuilderError {
        BuilderError(code, message, file: file, line: line, hint: hint)
    }

    mutating func parseAll() -> [Instruction] {
        parseDirectives()
        var instructions: [Instruction] = []
        while let logical = nextLogicalLine() {
            if let instruction = parseInstruction(
                logical.text, lines: logical.first...logical.last, allowHeredocs: true)
            {
                instructions.append(instruction)
            }
        }
        return instructions
    }

    /// Reads `# name=value` lines at the very top. The first line that is not a known directive
    /// (a blank line, any other comment, an instruction) ends them; later ones are comments.
    mutating func parseDirectives() {
        var seen = Set<String>()
        while cursor < lines.count {
            guard let (name, value) = Self.directive(in: lines[cursor]) else { return }
            let line = cursor + 1
            guard ["escape", "syntax", "check"].contains(name) else { return }
            cursor += 1
            guard seen.insert(name).inserted else {
                errors.append(error(.invalidDirective, "only one '\(name)' parser directive can be used", line: line))
                continue
            }
            switch name {
            case "escape":
                if value == "\\" || value == "`" {
                    directives.escape = Character(value)
                } else {
                    errors.append(
                        error(
                            .invalidDirective, "invalid escape character '\(value)'", line: line,
                            hint: "use '# escape=\\' or '# escape=`'"))
                }
            case "syntax": directives.syntax = value
            default: directives.check = value
            }
        }
    }

    /// `# name = value` with a name of letters and digits; name lowercased, value trimmed.
    static func directive(in line: String) -> (String, String)? {
        var rest = line.trimmingLeadingWhitespace
        guard rest.first == "#" else { return nil }
        rest = rest.dropFirst().drop(while: \.isWhitespace)
        let name = rest.prefix(while: { $0.isASCII && ($0.isLetter || $0.isNumber) })
        guard let first = name.first, first.isLetter else { return nil }
        rest = rest.dropFirst(name.count).drop(while: \.isWhitespace)
        guard rest.first == "=" else { return nil }
        let value = rest.dropFirst().trimmingWhitespace
        guard !value.isEmpty else { return nil }
        return (name.lowercased(), value)
    }

    /// The next instruction's text with continuations joined; comment lines and blank lines inside
    /// a continuation are dropped, as Docker does.
    mutating func nextLogicalLine() -> (text: String, first: Int, last: Int)? {
        while cursor < lines.count {
            let physical = lines[cursor]
            cursor += 1
            let first = cursor
            let stripped = physical.trimmingLeadingWhitespace
            if stripped.first == "#" || stripped.allSatisfy(\.isWhitespace) { continue }
            var (part, continues) = trimContinuation(stripped)
            var joined = String(part)
            while continues, cursor < lines.count {
                let next = lines[cursor]
                cursor += 1
                let nextStripped = next.trimmingLeadingWhitespace
                if nextStripped.first == "#" || nextStripped.allSatisfy(\.isWhitespace) { continue }
                (part, continues) = trimContinuation(Substring(next))
                joined += part
            }
            if joined.allSatisfy(\.isWhitespace) { continue }
            return (joined, first, cursor)
        }
        return nil
    }

    /// Removes a trailing escape character (and whitespace after it) that continues the line.
    /// An escape preceded by another escape is an escaped escape, not a continuation.
    func trimContinuation(_ line: Substring) -> (Substring, Bool) {
        var end = line.endIndex
        while end > line.startIndex {
            let before = line.index(before: end)
            guard line[before] == " " || line[before] == "\t" else { break }
            end = before
        }
        guard end > line.startIndex else { return (line, false) }
        let last = line.index(before: end)
        guard line[last] == directives.escape else { return (line, false) }
        if last > line.startIndex, line[line.index(before: last)] == directives.escape { return (line, false) }
        return (line[line.startIndex..<last], true)
    }

    /// Parses one logical line. Nil (with an error recorded) when the line is not an instruction.
    mutating func parseInstruction(_ text: String, lines range: ClosedRange<Int>, allowHeredocs: Bool) -> Instruction? {
        let trimmed = Substring(text.trimmingWhitespace)
        let word = trimmed.prefix(while: { !$0.isWhitespace })
        let afterKeyword = trimmed.dropFirst(word.count)
        guard let keyword = Keyword(caseInsensitive: word) else {
            let suggestion = Suggestion.closest(to: String(word), among: Keyword.allCases.map(\.rawValue))
            errors.append(
                error(
                    .unknownInstruction, "unknown instruction '\(word)'", line: range.lowerBound,
                    hint: suggestion.map { "did you mean \($0)?" }
                        ?? "instructions are \(Keyword.allCases.map(\.rawValue).joined(separator: ", "))"))
            return nil
        }
        let (flagWords, rest) = Self.extractFlags(afterKeyword)
        let arguments = Substring(rest.trimmingWhitespace)
        var lines = range
        var heredocs: [Heredoc] = []
        if allowHeredocs, keyword.acceptsHeredocs, JSONStringArray.parse(arguments) == .notJSON {
            heredocs = readHeredocs(in: arguments, startLine: range.lowerBound)
            if cursor > range.upperBound { lines = range.lowerBound...cursor }
        }
        var instruction = Instruction(
            keyword: keyword, lines: lines, original: String(trimmed), arguments: .value(""), heredocs: heredocs)
        let errorCount = errors.count
        instruction.flags = parseFlags(flagWords, for: keyword, line: range.lowerBound)
        guard let parsed = parseArguments(arguments, of: instruction) else { return nil }
        instruction.arguments = parsed
        if case .onbuild(let trigger) = parsed, trigger.lines.upperBound > instruction.lines.upperBound {
            instruction.lines = instruction.lines.lowerBound...trigger.lines.upperBound
        }
        return errors.count == errorCount ? instruction : nil
    }

    /// Groups instructions into stages; reports instructions before the first FROM other than ARG,
    /// duplicate stage names, and an empty file.
    mutating func formStages(_ instructions: [Instruction]) -> [Stage] {
        var stages: [Stage] = []
        var namesSeen: [String: Int] = [:]
        for instruction in instructions {
            if case .from(let image, let name) = instruction.arguments {
                if let name {
                    if let earlier = namesSeen[name] {
                        errors.append(
                            error(
                                .duplicateStage, "duplicate stage name '\(name)'", line: instruction.line,
                                hint: "the name is already used by the stage on line \(earlier)"))
                    } else {
                        namesSeen[name] = instruction.line
                    }
                }
                stages.append(
                    Stage(index: stages.count, name: name, base: image, from: instruction, instructions: []))
            } else if stages.isEmpty {
                if instruction.keyword != .arg {
                    errors.append(
                        error(
                            .noBuildStage, "\(instruction.keyword.rawValue) before the first FROM",
                            line: instruction.line, hint: "only ARG may come before the first FROM"))
                }
            } else {
                stages[stages.count - 1].instructions.append(instruction)
            }
        }
        if stages.isEmpty, errors.isEmpty {
            errors.append(
                BuilderError(
                    .noBuildStage, "the Dockerfile has no FROM instruction", file: file,
                    line: instructions.first?.line, hint: "start a stage with 'FROM image' or 'FROM scratch'"))
        }
        return stages
    }
}
