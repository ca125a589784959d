/// The shape of each instruction's arguments, validated as Docker validates them.
extension DockerfileParser {
    mutating func parseArguments(_ text: Substring, of instruction: Instruction) -> InstructionArguments? {
        let keyword = instruction.keyword
        let line = instruction.line
        func fail(_ message: String, hint: String? = nil) -> InstructionArguments? {
            errors.append(error(.invalidArguments, message, line: line, hint: hint))
            return nil
        }
        if text.isEmpty, keyword != .healthcheck {
            return fail("\(keyword.rawValue) requires at least one argument", hint: Self.usage(keyword))
        }
        switch keyword {
        case .from:
            let words = Self.whitespaceWords(text)
            guard words.count == 1 || (words.count == 3 && words[1].lowercased() == "as") else {
                return fail("FROM requires either one argument or three", hint: Self.usage(keyword))
            }
            guard words.count == 3 else { return .from(image: words[0], stageName: nil) }
            let name = words[2].lowercased()
            guard Self.isValidStageName(name) else {
                return fail(
                    "invalid stage name '\(words[2])'",
                    hint: "a stage name starts with a letter and holds letters, digits, '-', '_' and '.'")
            }
            return .from(image: words[0], stageName: name)
        case .run, .cmd, .entrypoint:
            return command(text, line: line).map(InstructionArguments.command)
        case .shell:
            guard case .strings(let words) = JSONStringArray.parse(text), !words.isEmpty else {
                return fail("SHELL requires the arguments in JSON form", hint: Self.usage(keyword))
            }
            return .command(.exec(words))
        case .copy, .add:
            let list: [String]
            let isJSON: Bool
            switch JSONStringArray.parse(text) {
            case .strings(let words): (list, isJSON) = (words, true)
            case .notStrings: return fail("a JSON array must hold only strings")
            case .notJSON: (list, isJSON) = (Self.whitespaceWords(text), false)
            }
            guard list.count >= 2 else {
                return fail(
                    "\(keyword.rawValue) requires at least two arguments, a source and a destination",
                    hint: Self.usage(keyword))
            }
            return .copy(sources: Array(list.dropLast()), destination: list[list.count - 1], isJSON: isJSON)
        case .env:
            return keyValues(text, keyword: keyword, line: line).map(InstructionArguments.environment)
        case .label:
            return keyValues(text, keyword: keyword, line: line).map(InstructionArguments.labels)
        case .maintainer:
            return .labels([KeyValue("maintainer", String(text))])
        case .arg:
            var declarations: [ArgumentDeclaration] = []
            for word in Self.rawWords(text, escape: directives.escape) {
                let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard !parts[0].isEmpty else { return fail("ARG names can not be blank", hint: Self.usage(keyword)) }
                declarations.append(ArgumentDeclaration(String(parts[0]), parts.count == 2 ? String(parts[1]) : nil))
            }
            return .declarations(declarations)
        case .expose:
            let words = Self.whitespaceWords(text)
            for word in words where !word.contains("$") && ExposedPort(word) == nil {
                return fail("invalid port '\(word)'", hint: "write PORT, PORT/tcp, PORT/udp or START-END/PROTOCOL")
            }
            return .ports(words)
        case .user, .stopsignal:
            let words = Self.whitespaceWords(text)
            guard words.count == 1 else {
                return fail("\(keyword.rawValue) requires exactly one argument", hint: Self.usage(keyword))
            }
            if keyword == .stopsignal, !words[0].contains("$"), !Self.isSignal(words[0]) {
                return fail("invalid signal '\(words[0])'", hint: "use a name such as SIGTERM or a number 1-64")
            }
            return .value(words[0])
        case .workdir:
            return .value(String(text))
        case .volume:
            let list: [String]
            let isJSON: Bool
            switch JSONStringArray.parse(text) {
            case .strings(let words): (list, isJSON) = (words, true)
            case .notStrings: return fail("a JSON array must hold only strings")
            case .notJSON: (list, isJSON) = (Self.whitespaceWords(text), false)
            }
            guard !list.isEmpty else { return fail("VOLUME requires at least one path", hint: Self.usage(keyword)) }
            if list.contains(where: { $0.trimmingWhitespace.isEmpty }) {
                return fail("VOLUME paths can not be empty strings")
            }
            return .volumes(list, isJSON: isJSON)
        case .healthcheck:
            return healthcheck(text, flags: instruction.flags, line: line)
        case .onbuild:
            // Docker lets a trigger open heredocs (`ONBUILD RUN <<EOF`); their bodies follow.
            guard let trigger = parseInstruction(String(text), lines: instruction.lines, allowHeredocs: !lines.isEmpty)
            else {
                return nil
            }
            switch trigger.keyword {
            case .onbuild:
                return fail("chaining ONBUILD via 'ONBUILD ONBUILD' isn't allowed")
            case .from, .maintainer:
                return fail("\(trigger.keyword.rawValue) isn't allowed as an ONBUILD trigger")
            default:
                return .onbuild(trigger)
            }
        }
    }

    /// Exec form when the text is a JSON array of strings, shell form when it is not JSON.
    mutating func command(_ text: Substring, line: Int) -> CommandForm? {
        switch JSONStringArray.parse(text) {
        case .strings(let words): return .exec(words)
        case .notJSON: return .shell(String(text))
        case .notStrings:
            errors.append(
                error(
                    .invalidArguments, "a JSON array must hold only strings", line: line,
                    hint: "quote every element, e.g. [\"sleep\", \"10\"]"))
            return nil
        }
    }

    /// `k=v k2="v 2"` or the legacy `k v…` (one pair, the value is the rest of the line).
    mutating func keyValues(_ text: Substring, keyword: Keyword, line: Int) -> [KeyValue]? {
        let words = Self.rawWords(text, escape: directives.escape)
        guard let first = words.first else { return nil }
        if !first.contains("=") {
            let key = text.prefix(while: { !$0.isWhitespace })
            let value = text.dropFirst(key.count).drop(while: \.isWhitespace)
            guard !value.isEmpty else {
                errors.append(
                    error(
                        .invalidArguments, "\(keyword.rawValue) must have two arguments", line: line,
                        hint: Self.usage(keyword)))
                return nil
            }
            return [KeyValue(String(key), String(value))]
        }
        var pairs: [KeyValue] = []
        for word in words {
            guard let equals = word.firstIndex(of: "=") else {
                errors.append(
                    error(.invalidArguments, "can't find = in '\(word)'", line: line, hint: "write name=value"))
                return nil
            }
            let key = String(word[..<equals])
            guard !key.isEmpty else {
                errors.append(error(.invalidArguments, "\(keyword.rawValue) names can not be blank", line: line))
                return nil
            }
            pairs.append(KeyValue(key, String(word[word.index(after: equals)...])))
        }
        return pairs
    }

    mutating func healthcheck(_ text: Substring, flags: [InstructionFlag], line: Int) -> InstructionArguments? {
        let type = text.prefix(while: { !$0.isWhitespace })
        let rest = text.dropFirst(type.count).drop(while: \.isWhitespace)
        switch type.uppercased() {
        case "NONE":
            guard rest.isEmpty, flags.isEmpty else {
                errors.append(error(.invalidArguments, "HEALTHCHECK NONE takes no arguments or flags", line: line))
                return nil
            }
            return .healthcheck(.none)
        case "CMD":
            guard !rest.isEmpty else {
                errors.append(
                    error(
                        .invalidArguments, "HEALTHCHECK CMD requires a command", line: line,
                        hint: Self.usage(.healthcheck)))
                return nil
            }
            guard let command = command(rest, line: line) else { return nil }
            func duration(_ name: String) -> Duration? {
                flags.last(where: { $0.name == name }).flatMap { $0.value.flatMap(GoDuration.parse) }
            }
            let options = HealthcheckOptions(
                interval: duration("interval"), timeout: duration("timeout"), startPeriod: duration("start-period"),
                startInterval: duration("start-interval"),
                retries: flags.last(where: { $0.name == "retries" }).flatMap { $0.value.flatMap { Int($0) } })
            return .healthcheck(.check(command, options))
        default:
            errors.append(
                error(
                    .invalidArguments,
                    type.isEmpty ? "HEALTHCHECK requires an argument" : "unknown HEALTHCHECK type '\(type)'",
                    line: line, hint: "use HEALTHCHECK [OPTIONS] CMD command, or HEALTHCHECK NONE"))
            return nil
        }
    }

    static func isValidStageName(_ name: String) -> Bool {
        guard let first = name.first, first.isASCII, first.isLowercase else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || "-_.".contains($0)) }
    }

    static let signalNames: Set<String> = [
        "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "IOT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE",
        "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM",
        "PROF", "WINCH", "IO", "POLL", "PWR", "SYS", "RTMIN", "RTMAX",
    ]

    /// `SIGTERM`, `term`, `15`, `SIGRTMIN+3`.
    static func isSignal(_ text: String) -> Bool {
        if let number = Int(text) { return (1...64).contains(number) }
        var name = text.uppercased()
        if name.hasPrefix("SIG") { name = String(name.dropFirst(3)) }
        if let plus = name.firstIndex(where: { $0 == "+" || $0 == "-" }), name.hasPrefix("RT") {
            return ["RTMIN", "RTMAX"].contains(String(name[..<plus])) && Int(name[name.index(after: plus)...]) != nil
        }
        return signalNames.contains(name)
    }

    static func usage(_ keyword: Keyword) -> String {
        let example: String
        switch keyword {
        case .add: example = "ADD [--chown=u:g] [--chmod=0644] SRC... DEST"
        case .arg: example = "ARG NAME[=DEFAULT]"
        case .cmd: example = "CMD [\"executable\", \"arg\"] or CMD command"
        case .copy: example = "COPY [--from=STAGE] [--chown=u:g] [--chmod=0644] SRC... DEST"
        case .entrypoint: example = "ENTRYPOINT [\"executable\", \"arg\"] or ENTRYPOINT command"
        case .env: example = "ENV NAME=VALUE ..."
        case .expose: example = "EXPOSE PORT[/PROTOCOL] ..."
        case .from: example = "FROM [--platform=P] IMAGE [AS NAME]"
        case .healthcheck: example = "HEALTHCHECK [--interval=30s] CMD command, or HEALTHCHECK NONE"
        case .label: example = "LABEL KEY=VALUE ..."
        case .maintainer: example = "MAINTAINER NAME"
        case .onbuild: example = "ONBUILD INSTRUCTION"
        case .run: example = "RUN command or RUN [\"executable\", \"arg\"]"
        case .shell: example = "SHELL [\"executable\", \"arg\"]"
        case .stopsignal: example = "STOPSIGNAL SIGNAL"
        case .user: example = "USER USER[:GROUP]"
        case .volume: example = "VOLUME PATH ... or VOLUME [\"PATH\"]"
        case .workdir: example = "WORKDIR PATH"
        }
        return "usage: " + example
    }
}
