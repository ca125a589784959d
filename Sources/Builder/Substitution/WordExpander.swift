/// Docker's word processing for the instructions it substitutes (FROM, COPY, ENV, …):
/// `$v`, `${v}`, `${v:-x}`, `${v-x}`, `${v:+x}`, `${v+x}`, `${v:?x}`, `${v?x}`; quotes removed,
/// single quotes literal, the escape character taking the next character literally.
///
/// RUN, CMD and ENTRYPOINT are never expanded here: their shell does it.
public struct WordExpander: Sendable {
    /// `\` or `` ` ``, from the `# escape=` directive.
    public var escape: Character

    public init(escape: Character = "\\") {
        self.escape = escape
    }

    /// Expands one word (no splitting): `"a b"$X` → `a b` followed by X's value.
    /// Throws `BuilderError` (code `.substitution`, no location) on a bad substitution.
    public func expand(_ word: String, environment: [String: String]) throws -> String {
        var lexer = Lexer(characters: Array(word), escape: escape, environment: environment)
        var sink = Sink(splitting: false)
        _ = try lexer.process(until: nil, into: &sink)
        return sink.current
    }

    /// Expands and splits into words on unquoted whitespace, including whitespace that comes
    /// from an unquoted variable's value (`EXPOSE $PORTS` with `PORTS="80 443"` gives two).
    public func expandWords(_ text: String, environment: [String: String]) throws -> [String] {
        var lexer = Lexer(characters: Array(text), escape: escape, environment: environment)
        var sink = Sink(splitting: true)
        _ = try lexer.process(until: nil, into: &sink)
        sink.endWord()
        return sink.words
    }

    /// Expands a heredoc body as a shell expands an unquoted here-document: `$` forms expand,
    /// the escape character protects `$` and itself, and quotes are ordinary characters.
    public func expandHeredoc(_ body: String, environment: [String: String]) throws -> String {
        var lexer = Lexer(characters: Array(body), escape: escape, environment: environment)
        var result = ""
        while !lexer.atEnd {
            let character = lexer.characters[lexer.position]
            lexer.position += 1
            if character == "$" {
                result += try lexer.dollar()
            } else if character == escape, !lexer.atEnd, ["$", escape].contains(lexer.characters[lexer.position]) {
                result.append(lexer.characters[lexer.position])
                lexer.position += 1
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// Collects output, splitting into words only when asked.
    struct Sink {
        let splitting: Bool
        var words: [String] = []
        var current = ""
        /// A word has begun, even if it is empty so far (`""` is a word).
        var started = false

        init(splitting: Bool) { self.splitting = splitting }

        mutating func literal(_ character: Character) {
            if splitting, character.isWhitespace {
                endWord()
            } else {
                current.append(character)
                started = true
            }
        }

        mutating func quoted(_ text: String) {
            current += text
            started = true
        }

        mutating func expansion(_ text: String) {
            guard splitting else {
                current += text
                return
            }
            for character in text {
                if character.isWhitespace {
                    endWord()
                } else {
                    current.append(character)
                    started = true
                }
            }
        }

        mutating func endWord() {
            if started { words.append(current) }
            current = ""
            started = false
        }
    }

    struct Lexer {
        let characters: [Character]
        let escape: Character
        let environment: [String: String]
        var position = 0

        init(characters: [Character], escape: Character, environment: [String: String]) {
            self.characters = characters
            self.escape = escape
            self.environment = environment
        }

        static func failure(_ message: String, hint: String? = nil) -> BuilderError {
            BuilderError(.substitution, message, hint: hint)
        }

        var atEnd: Bool { position >= characters.count }

        /// Processes until `stop` (consumed) or the end. Returns whether `stop` was found.
        mutating func process(until stop: Character?, into sink: inout Sink) throws -> Bool {
            while !atEnd {
                let character = characters[position]
                position += 1
                if let stop, character == stop { return true }
                switch character {
                case "'":
                    var text = ""
                    while true {
                        guard !atEnd else {
                            throw Self.failure(
                                "unexpected end of text while looking for the matching single quote",
                                hint:
                                    "close the quote; in COPY, ADD and VOLUME shell form words split at spaces, use the JSON form for names with spaces"
                            )
                        }
                        let next = characters[position]
                        position += 1
                        if next == "'" { break }
                        text.append(next)
                    }
                    sink.quoted(text)
                case "\"":
                    sink.quoted(try doubleQuoted())
                case "$":
                    sink.expansion(try dollar())
                case escape:
                    // An escape at the very end is dropped.
                    if !atEnd {
                        sink.quoted(String(characters[position]))
                        position += 1
                    }
                default:
                    sink.literal(character)
                }
            }
            return stop == nil
        }

        /// Inside double quotes only `$`, `"` and the escape character itself can be escaped;
        /// any other escape stays as written.
        mutating func doubleQuoted() throws -> String {
            var text = ""
            while true {
                guard !atEnd else {
                    throw Self.failure(
                        "unexpected end of text while looking for the matching double quote",
                        hint:
                            "close the quote; in COPY, ADD and VOLUME shell form words split at spaces, use the JSON form for names with spaces"
                    )
                }
                let character = characters[position]
                position += 1
                switch character {
                case "\"": return text
                case "$": text += try dollar()
                case escape:
                    if !atEnd, ["\"", "$", escape].contains(characters[position]) {
                        text.append(characters[position])
                        position += 1
                    } else {
                        text.append(character)
                    }
                default: text.append(character)
                }
            }
        }

        /// After a `$`: a name, `{…}`, or a literal `$` when neither follows.
        mutating func dollar() throws -> String {
            guard !atEnd else { return "$" }
            if characters[position] == "{" {
                position += 1
                return try braced()
            }
            let name = readName()
            return name.isEmpty ? "$" : environment[name] ?? ""
        }

        mutating func braced() throws -> String {
            let name = readName()
            guard !name.isEmpty else { throw Self.failure("bad substitution: '${' must be followed by a name") }
            guard !atEnd else { throw Self.failure("missing '}' after '${\(name)'") }
            let operation = characters[position]
            position += 1
            let value = environment[name]
            switch operation {
            case "}":
                return value ?? ""
            case ":":
                guard !atEnd else { throw Self.failure("missing '}' after '${\(name):'") }
                let modifier = characters[position]
                position += 1
                guard "-+?".contains(modifier) else {
                    throw Self.failure("unsupported modifier '\(modifier)' in '${\(name):\(modifier)…}'")
                }
                return try apply(modifier, name: name, value: value, emptyIsUnset: true)
            case "-", "+", "?":
                return try apply(operation, name: name, value: value, emptyIsUnset: false)
            default:
                throw Self.failure("unsupported substitution '${\(name)\(operation)…}'")
            }
        }

        /// `-` default, `+` alternative, `?` error; with `:` an empty value counts as unset.
        mutating func apply(_ modifier: Character, name: String, value: String?, emptyIsUnset: Bool) throws -> String {
            var sink = Sink(splitting: false)
            guard try process(until: "}", into: &sink) else {
                throw Self.failure("missing '}' in the substitution of '\(name)'")
            }
            let word = sink.current
            let isSet = value != nil && !(emptyIsUnset && value!.isEmpty)
            switch modifier {
            case "-": return isSet ? value! : word
            case "+": return isSet ? word : ""
            default:
                guard isSet else {
                    let reason =
                        word.isEmpty
                        ? (emptyIsUnset ? "is not allowed to be unset or empty" : "is not allowed to be unset") : word
                    throw Self.failure("\(name): \(reason)", hint: "set \(name) with ARG, ENV or --build-arg")
                }
                return value!
            }
        }

        /// A variable name: letters, digits and `_`; or all digits; or one special parameter.
        mutating func readName() -> String {
            guard !atEnd else { return "" }
            let first = characters[position]
            if first.isASCII, first.isNumber {
                var name = ""
                while !atEnd, characters[position].isASCII, characters[position].isNumber {
                    name.append(characters[position])
                    position += 1
                }
                return name
            }
            if "@*#?-$!".contains(first) {
                position += 1
                return String(first)
            }
            var name = ""
            while !atEnd, characters[position].isLetter || characters[position].isNumber || characters[position] == "_"
            {
                name.append(characters[position])
                position += 1
            }
            return name
        }
    }
}
