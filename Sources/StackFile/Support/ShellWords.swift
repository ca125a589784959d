/// Splits a command string into words as a POSIX shell would, without expanding anything:
/// whitespace separates words, single quotes keep text literally, double quotes keep
/// whitespace and honour `\"`, `\\`, `\$` and `` \` ``, and a backslash outside quotes escapes
/// the next character. Compose splits `command: "…"` and `entrypoint: "…"` this way.
enum ShellWords {
    struct Failure: Error, Equatable {
        var message: String
    }

    static func split(_ text: String) throws(Failure) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var iterator = Array(text).makeIterator()
        while let character = iterator.next() {
            switch character {
            case " ", "\t", "\n", "\r":
                if inWord {
                    words.append(current)
                    current = ""
                    inWord = false
                }
            case "'":
                inWord = true
                var closed = false
                while let next = iterator.next() {
                    if next == "'" {
                        closed = true
                        break
                    }
                    current.append(next)
                }
                if !closed { throw Failure(message: "unterminated single quote") }
            case "\"":
                inWord = true
                var closed = false
                while let next = iterator.next() {
                    if next == "\"" {
                        closed = true
                        break
                    }
                    if next == "\\" {
                        guard let escaped = iterator.next() else { break }
                        if !["\"", "\\", "$", "`", "\n"].contains(escaped) { current.append("\\") }
                        if escaped != "\n" { current.append(escaped) }
                        continue
                    }
                    current.append(next)
                }
                if !closed { throw Failure(message: "unterminated double quote") }
            case "\\":
                inWord = true
                guard let escaped = iterator.next() else { throw Failure(message: "trailing backslash") }
                if escaped != "\n" { current.append(escaped) }
            default:
                inWord = true
                current.append(character)
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
