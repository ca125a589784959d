#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension ImageConfig {
    /// Instructions `apply(changes:)` understands, as `docker import --change` does.
    public static let changeInstructions = [
        "CMD", "ENTRYPOINT", "ENV", "EXPOSE", "HEALTHCHECK", "LABEL", "ONBUILD", "STOPSIGNAL", "USER", "VOLUME",
        "WORKDIR",
    ]

    /// Applies Dockerfile instructions (`CMD ["mariadbd"]`, `ENV A=1 B=2`, `EXPOSE 80/tcp`, …)
    /// in order, as `docker import --change` does.
    ///
    /// `CMD` and `ENTRYPOINT` take the JSON form or the shell form (which becomes
    /// `/bin/sh -c "…"`). As in a Dockerfile, `ENTRYPOINT` clears a `CMD` inherited from before
    /// unless a `CMD` came earlier among `changes`. `ENV`, `LABEL`, `USER`, `WORKDIR`, `VOLUME`,
    /// `EXPOSE` and `STOPSIGNAL` expand `$NAME` and `${NAME}` from the environment built so far,
    /// and accept quotes and backslash escapes. A relative `WORKDIR` continues the previous one.
    /// `HEALTHCHECK [--interval=D --timeout=D --start-period=D --start-interval=D --retries=N]
    /// CMD …|NONE` sets `Healthcheck`; `ONBUILD INSTRUCTION …` appends a trigger to `OnBuild`.
    /// Fails with `.invalidArgument`, naming the line, on anything else.
    public mutating func apply(changes: [String]) throws(ImageError) {
        var cmdSet = false
        for line in changes {
            try apply(change: line, cmdSetEarlier: &cmdSet)
        }
    }

    /// The config with `changes` applied (see `apply(changes:)`).
    public func applying(changes: [String]) throws(ImageError) -> ImageConfig {
        var copy = self
        try copy.apply(changes: changes)
        return copy
    }

    private mutating func apply(change rawLine: String, cmdSetEarlier: inout Bool) throws(ImageError) {
        // Dockerfile line continuations.
        let line = rawLine.split(separator: "\\\n", omittingEmptySubsequences: false).joined(separator: " ")
            .trimmedWhitespace
        let keywordEnd = line.firstIndex(where: { $0 == " " || $0 == "\t" }) ?? line.endIndex
        let keyword = line[..<keywordEnd].uppercased()
        let arguments = line[keywordEnd...].trimmedWhitespace
        func invalid(_ reason: String) -> ImageError {
            ImageError(.invalidArgument, "invalid change '\(rawLine)': \(reason)")
        }
        guard Self.changeInstructions.contains(keyword) else {
            throw invalid(
                keyword.isEmpty
                    ? "it is empty; write an instruction such as 'CMD [\"sh\"]'"
                    : "\(keyword) cannot be applied to an image config; use one of \(Self.changeInstructions.joined(separator: ", "))"
            )
        }
        guard !arguments.isEmpty || keyword == "CMD" || keyword == "ENTRYPOINT" else {
            throw invalid("\(keyword) needs an argument")
        }
        let expander = ChangeWords(environment: env)
        do {
            try apply(
                keyword: keyword, arguments: arguments, expander: expander, cmdSetEarlier: &cmdSetEarlier,
                invalid: invalid)
        } catch  where !error.message.hasPrefix("invalid change '") {
            throw invalid(error.message)
        }
    }

    private mutating func apply(
        keyword: String, arguments: String, expander: ChangeWords, cmdSetEarlier: inout Bool,
        invalid: (String) -> ImageError
    ) throws(ImageError) {
        switch keyword {
        case "CMD":
            cmd = Self.commandForm(arguments)
            cmdSetEarlier = true
        case "ENTRYPOINT":
            entrypoint = arguments.isEmpty ? nil : Self.commandForm(arguments)
            if !cmdSetEarlier { cmd = nil }
        case "ENV":
            for (key, value) in try pairs(arguments, expander: expander, invalid: invalid) {
                env.removeAll { $0 == key || $0.hasPrefix(key + "=") }
                env.append(key + "=" + value)
            }
        case "LABEL":
            for (key, value) in try pairs(arguments, expander: expander, invalid: invalid) { labels[key] = value }
        case "EXPOSE":
            var ports = Set(exposedPorts)
            for word in try expander.words(arguments) {
                for port in try Self.ports(word, invalid: invalid) { ports.insert(port) }
            }
            exposedPorts = ports.sorted()
        case "VOLUME":
            var paths = Set(volumes)
            let given: [String]
            if let array = Self.jsonArray(arguments) { given = array } else { given = try expander.words(arguments) }
            for path in given {
                guard path.hasPrefix("/") else { throw invalid("the volume '\(path)' is not an absolute path") }
                paths.insert(path)
            }
            volumes = paths.sorted()
        case "WORKDIR":
            let path = try expander.single(arguments)
            workingDir = Self.normalise(path.hasPrefix("/") ? path : (workingDir ?? "/") + "/" + path)
        case "USER":
            user = try expander.single(arguments)
        case "STOPSIGNAL":
            let signal = try expander.single(arguments)
            let isNumber = Int(signal).map { $0 > 0 && $0 < 65 } ?? false
            let isName = signal.count > 1 && signal.allSatisfy { $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" }
            guard isNumber || isName else { throw invalid("'\(signal)' is not a signal name or number") }
            stopSignal = signal
        case "HEALTHCHECK":
            healthcheck = try Self.parseHealthcheck(arguments, invalid: invalid)
        case "ONBUILD":
            onBuild.append(try Self.parseTrigger(arguments, invalid: invalid))
        default:
            break
        }
    }

    /// `KEY=VALUE …`, or the legacy `KEY VALUE` (the rest of the line).
    private func pairs(
        _ arguments: String, expander: ChangeWords,
        invalid: (String) -> ImageError
    ) throws(ImageError) -> [(String, String)] {
        let words = try expander.words(arguments)
        guard let first = words.first else { throw invalid("a key is missing") }
        if !first.contains("=") {
            guard words.count > 1 else { throw invalid("'\(first)' has no value; write \(first)=VALUE") }
            let keyEnd = arguments.firstIndex(where: { $0 == " " || $0 == "\t" }) ?? arguments.endIndex
            let value = try expander.single(arguments[keyEnd...].trimmedWhitespace)
            return [(first, value)]
        }
        var result = [(String, String)]()
        for word in words {
            guard let equals = word.firstIndex(of: "="), equals != word.startIndex else {
                throw invalid("'\(word)' is not KEY=VALUE")
            }
            result.append((String(word[..<equals]), String(word[word.index(after: equals)...])))
        }
        return result
    }

    /// The JSON form when `arguments` is a JSON array of strings, else the shell form.
    static func commandForm(_ arguments: String) -> [String] {
        if let array = jsonArray(arguments) { return array }
        return ["/bin/sh", "-c", arguments]
    }

    static func jsonArray(_ arguments: String) -> [String]? {
        guard arguments.hasPrefix("[") else { return nil }
        return try? JSONDecoder().decode([String].self, from: Data(arguments.utf8))
    }

    /// `80`, `80/udp`, `8000-8002/tcp` → `80/tcp`, `80/udp`, `8000/tcp`, …
    static func ports(_ word: String, invalid: (String) -> ImageError) throws(ImageError) -> [String] {
        let parts = word.split(separator: "/", omittingEmptySubsequences: false)
        let proto = parts.count > 1 ? parts[1].lowercased() : "tcp"
        guard parts.count <= 2, ["tcp", "udp", "sctp"].contains(proto) else {
            throw invalid("'\(word)' is not PORT[/tcp|udp|sctp]")
        }
        let bounds = parts[0].split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard (1...2).contains(bounds.count), let low = bounds.first ?? nil, let high = bounds.last ?? nil,
            low >= 1, high <= 65535, low <= high
        else {
            throw invalid("'\(word)' is not a port (1-65535) or a range of ports")
        }
        return (low...high).map { "\($0)/\(proto)" }
    }

    /// Lexical clean-up of an absolute path: no empty, `.` or `..` components.
    static func normalise(_ path: String) -> String {
        var components = [Substring]()
        for component in path.split(separator: "/") {
            if component == "." { continue }
            if component == ".." {
                _ = components.popLast()
                continue
            }
            components.append(component)
        }
        return "/" + components.joined(separator: "/")
    }
}

/// Dockerfile word splitting for change lines: whitespace separates words, quotes group them,
/// a backslash escapes the next character, and `$NAME`/`${NAME}` expand (not inside single quotes).
struct ChangeWords {
    var environment: [String]

    func lookup(_ name: String) -> String {
        for entry in environment.reversed() where entry.hasPrefix(name + "=") {
            return String(entry.dropFirst(name.count + 1))
        }
        return ""
    }

    /// The whole argument as one word (spaces kept, quotes and escapes processed).
    func single(_ text: String) throws(ImageError) -> String {
        try split(text, keepSpaces: true).joined()
    }

    func words(_ text: String) throws(ImageError) -> [String] {
        try split(text, keepSpaces: false)
    }

    private func split(_ text: String, keepSpaces: Bool) throws(ImageError) -> [String] {
        var words = [String]()
        var current = ""
        var inWord = false
        var quote: Character?
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            if character == "\\" && quote != "'" {
                if let next = characters.popFirst() { current.append(next) } else { current.append(character) }
                inWord = true
            } else if character == "$" && quote != "'" {
                current += expand(&characters)
                inWord = true
            } else if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                inWord = true
            } else if character == " " || character == "\t" {
                if keepSpaces {
                    current.append(character)
                } else if inWord {
                    words.append(current)
                    current = ""
                    inWord = false
                }
            } else {
                current.append(character)
                inWord = true
            }
        }
        if let quote {
            throw ImageError(.invalidArgument, "the quote \(quote) is not closed")
        }
        if inWord || (keepSpaces && !current.isEmpty) { words.append(current) }
        return words
    }

    private func expand(_ characters: inout ArraySlice<Character>) -> String {
        func isNameCharacter(_ character: Character) -> Bool {
            character == "_" || character.isLetter || character.isNumber
        }
        if characters.first == "{" {
            guard let close = characters.firstIndex(of: "}") else {
                let rest = String(characters)
                characters = characters[characters.endIndex...]
                return "$" + rest
            }
            let name = String(characters[characters.index(after: characters.startIndex)..<close])
            characters = characters[characters.index(after: close)...]
            return lookup(name)
        }
        var name = ""
        while let next = characters.first, isNameCharacter(next) {
            name.append(next)
            characters.removeFirst()
        }
        return name.isEmpty ? "$" : lookup(name)
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces, tabs and line breaks.
    var trimmedWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
