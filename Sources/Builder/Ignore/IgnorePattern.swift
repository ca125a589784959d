/// One `.dockerignore` line compiled for matching against slash-separated context paths.
///
/// `*` matches within one path element, `?` one character other than `/`, `[...]` a class
/// (`[^...]`/`[!...]` negated, ranges, `\` escapes), `**` any number of directories
/// (`**/` may match nothing at all; a trailing `**` matches everything below).
public struct IgnorePattern: Sendable, Equatable, CustomStringConvertible {
    /// The cleaned pattern without its `!`.
    public let pattern: String
    /// A `!pattern` line: re-includes what earlier lines excluded.
    public let isException: Bool
    let tokens: [Token]

    enum Token: Sendable, Equatable {
        case literal(Character)
        /// `?`
        case anyCharacter
        /// `*`
        case star
        /// `**` followed by more pattern: zero or more characters ending in `/`.
        case directories
        /// `**` at the end: anything.
        case everything
        case characterClass(ranges: [ClosedRange<Character>], negated: Bool)
    }

    init(pattern: String, isException: Bool) throws {
        self.pattern = pattern
        self.isException = isException
        self.tokens = try Self.compile(pattern)
    }

    public var description: String { (isException ? "!" : "") + pattern }

    static func compile(_ pattern: String) throws -> [Token] {
        var tokens: [Token] = []
        var characters = Array(pattern)[...]
        func invalid(_ why: String) -> BuilderError {
            BuilderError(.invalidIgnorePattern, "invalid .dockerignore pattern '\(pattern)': \(why)")
        }
        while let character = characters.popFirst() {
            switch character {
            case "*":
                if characters.first == "*" {
                    characters.removeFirst()
                    if characters.first == "/" { characters.removeFirst() }
                    tokens.append(characters.isEmpty ? .everything : .directories)
                } else {
                    tokens.append(.star)
                }
            case "?":
                tokens.append(.anyCharacter)
            case "\\":
                guard let escaped = characters.popFirst() else { throw invalid("it ends with an escape") }
                tokens.append(.literal(escaped))
            case "[":
                var negated = false
                if characters.first == "^" || characters.first == "!" {
                    negated = true
                    characters.removeFirst()
                }
                var ranges: [ClosedRange<Character>] = []
                var closed = false
                // A `]` straight after `[` (or `[^`) is a member, not the end.
                while let member = characters.popFirst() {
                    if member == "]", !ranges.isEmpty {
                        closed = true
                        break
                    }
                    var low = member
                    if low == "\\" {
                        guard let escaped = characters.popFirst() else { throw invalid("it ends with an escape") }
                        low = escaped
                    }
                    var high = low
                    if characters.first == "-", characters.dropFirst().first.map({ $0 != "]" }) ?? false {
                        characters.removeFirst()
                        high = characters.removeFirst()
                        if high == "\\" {
                            guard let escaped = characters.popFirst() else { throw invalid("it ends with an escape") }
                            high = escaped
                        }
                        guard low <= high else { throw invalid("the range \(low)-\(high) is backwards") }
                    }
                    ranges.append(low...high)
                }
                guard closed, !ranges.isEmpty else { throw invalid("a '[' class is not closed or is empty") }
                tokens.append(.characterClass(ranges: ranges, negated: negated))
            default:
                tokens.append(.literal(character))
            }
        }
        return tokens
    }

    /// Whether the whole of `path` matches.
    public func matches(_ path: String) -> Bool {
        if let literal { return path == literal }
        var automaton = Automaton(tokens: tokens)
        guard automaton.read(path) else { return false }
        return automaton.accepts
    }

    /// Whether some path beginning with `prefix` could match (the pattern is still "alive"
    /// after reading the prefix).
    func couldMatch(pathsStartingWith prefix: String) -> Bool {
        if let literal { return literal.hasPrefix(prefix) }
        var automaton = Automaton(tokens: tokens)
        return automaton.read(prefix)
    }

    /// The pattern itself when it has no wildcard: matched by plain comparison.
    private var literal: String? {
        var text = ""
        for token in tokens {
            guard case .literal(let character) = token else { return nil }
            text.append(character)
        }
        return text
    }

    /// The pattern simulated as a finite automaton. State `2i` is "before token i"; `2i+1` is
    /// "inside the `**/` at token i"; `2 * tokens.count` accepts.
    private struct Automaton {
        let tokens: [Token]
        var states: [Int] = []
        /// Per state, the step that last added it: deduplicates without a Set.
        var addedAt: [Int]
        var step = 0

        init(tokens: [Token]) {
            self.tokens = tokens
            self.addedAt = [Int](repeating: -1, count: 2 * tokens.count + 2)
            var initial: [Int] = []
            add(0, to: &initial)
            states = initial
        }

        var accepts: Bool { states.contains(2 * tokens.count) }

        /// Adds `state` and what it reaches without reading (`*`, `**` and `**/` may be empty).
        mutating func add(_ state: Int, to list: inout [Int]) {
            var state = state
            while addedAt[state] != step {
                addedAt[state] = step
                list.append(state)
                let index = state / 2
                guard state % 2 == 0, index < tokens.count else { return }
                switch tokens[index] {
                case .star, .everything, .directories: state = 2 * (index + 1)
                default: return
                }
            }
        }

        /// Reads `text`; false as soon as no state survives.
        mutating func read(_ text: String) -> Bool {
            var next: [Int] = []
            for character in text {
                step += 1
                next.removeAll(keepingCapacity: true)
                for state in states {
                    let index = state / 2
                    guard index < tokens.count else { continue }
                    switch tokens[index] {
                    case .literal(let expected):
                        if character == expected { add(2 * (index + 1), to: &next) }
                    case .anyCharacter:
                        if character != "/" { add(2 * (index + 1), to: &next) }
                    case .star:
                        if character != "/" { add(state, to: &next) }
                    case .everything:
                        add(state, to: &next)
                    case .directories:
                        add(2 * index + 1, to: &next)
                        if character == "/" { add(2 * (index + 1), to: &next) }
                    case .characterClass(let ranges, let negated):
                        let member = ranges.contains { $0.contains(character) }
                        if member != negated, character != "/" { add(2 * (index + 1), to: &next) }
                    }
                }
                swap(&states, &next)
                if states.isEmpty { return false }
            }
            return true
        }
    }
}
