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
        guard let states = run(path) else { return false }
        return states.contains(2 * tokens.count)
    }

    /// Whether some path beginning with `prefix` could match (the pattern is still "alive"
    /// after reading the prefix).
    func couldMatch(pathsStartingWith prefix: String) -> Bool {
        guard let states = run(prefix) else { return false }
        return !states.isEmpty
    }

    /// Simulates the pattern as an automaton. State `2i` is "before token i"; `2i+1` is
    /// "inside the `**/` at token i". Nil when no state survives.
    private func run(_ text: String) -> Set<Int>? {
        var states = closure([0])
        for character in text {
            var next = Set<Int>()
            for state in states {
                let index = state / 2
                guard index < tokens.count else { continue }
                switch tokens[index] {
                case .literal(let expected):
                    if character == expected { next.insert(2 * (index + 1)) }
                case .anyCharacter:
                    if character != "/" { next.insert(2 * (index + 1)) }
                case .star:
                    if character != "/" { next.insert(state) }
                case .everything:
                    next.insert(state)
                case .directories:
                    next.insert(2 * index + 1)
                    if character == "/" { next.insert(2 * (index + 1)) }
                case .characterClass(let ranges, let negated):
                    let member = ranges.contains { $0.contains(character) }
                    if member != negated, character != "/" { next.insert(2 * (index + 1)) }
                }
            }
            states = closure(next)
            if states.isEmpty { return nil }
        }
        return states
    }

    /// Adds the states reachable without reading a character (`*`, `**`, `**/` may be empty).
    private func closure(_ states: Set<Int>) -> Set<Int> {
        var result = states
        var pending = Array(states)
        while let state = pending.popLast() {
            guard state % 2 == 0 else { continue }
            let index = state / 2
            guard index < tokens.count else { continue }
            switch tokens[index] {
            case .star, .everything, .directories:
                let skip = 2 * (index + 1)
                if result.insert(skip).inserted { pending.append(skip) }
            default:
                break
            }
        }
        return result
    }
}
