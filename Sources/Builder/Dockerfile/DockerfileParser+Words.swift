/// How the parser cuts an instruction's text into words before any substitution happens.
extension DockerfileParser {
    /// Splits on unquoted whitespace, keeping quotes and escapes in the words (they are removed
    /// later, by word expansion). Used for ENV, LABEL and ARG `k=v` lists and to find heredocs.
    static func rawWords(_ text: some StringProtocol, escape: Character) -> [String] {
        var words: [String] = []
        var word = ""
        var quote: Character? = nil
        // A quoted empty string ("") is still a word.
        var hasWord = false
        var iterator = Array(text)[...]
        while let character = iterator.popFirst() {
            if let open = quote {
                word.append(character)
                if character == open {
                    quote = nil
                } else if character == escape, open != "'", let next = iterator.popFirst() {
                    word.append(next)
                }
                continue
            }
            if character.isWhitespace {
                if hasWord { words.append(word) }
                word = ""
                hasWord = false
                continue
            }
            hasWord = true
            if character == escape {
                // An escape at the very end is dropped; otherwise it and the next character stay.
                if let next = iterator.popFirst() {
                    word.append(character)
                    word.append(next)
                }
                continue
            }
            if character == "'" || character == "\"" { quote = character }
            word.append(character)
        }
        if hasWord { words.append(word) }
        return words
    }

    /// Splits on whitespace only (COPY/ADD/VOLUME shell form, FROM, EXPOSE): quotes stay, to be
    /// removed by expansion, exactly like Docker's whitespace-delimited list.
    static func whitespaceWords(_ text: some StringProtocol) -> [String] {
        text.split(whereSeparator: { (character: Character) in character.isWhitespace }).map { String($0) }
    }

    /// Takes leading `--flag[=value]` words off an instruction's text. Quotes in flag words are
    /// removed and `\` escapes the next character; a lone `--` ends the flags.
    static func extractFlags(_ text: Substring) -> (flags: [String], rest: Substring) {
        var flags: [String] = []
        var index = text.startIndex
        while true {
            while index < text.endIndex, text[index].isWhitespace { index = text.index(after: index) }
            guard text[index...].hasPrefix("--") else { return (flags, text[index...]) }
            var word = ""
            var quote: Character? = nil
            while index < text.endIndex {
                let character = text[index]
                if quote == nil, character.isWhitespace { break }
                index = text.index(after: index)
                if let open = quote, character == open {
                    quote = nil
                } else if quote == nil, character == "'" || character == "\"" {
                    quote = character
                } else if character == "\\" {
                    if index < text.endIndex {
                        word.append(text[index])
                        index = text.index(after: index)
                    }
                } else {
                    word.append(character)
                }
            }
            if word == "--" { return (flags, text[index...].drop(while: \.isWhitespace)) }
            flags.append(word)
        }
    }
}

extension StringProtocol {
    var trimmingLeadingWhitespace: SubSequence { drop(while: { $0 == " " || $0 == "\t" }) }

    var trimmingWhitespace: String {
        let start = drop(while: \.isWhitespace)
        var end = start.endIndex
        while end > start.startIndex {
            let before = start.index(before: end)
            guard start[before].isWhitespace else { break }
            end = before
        }
        return String(start[start.startIndex..<end])
    }
}
