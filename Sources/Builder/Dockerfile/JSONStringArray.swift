/// Reads the exec form of an instruction: a JSON array of strings.
///
/// Docker's rule: text that is not valid JSON falls back to the shell form, but a valid JSON
/// array holding anything other than strings is an error.
enum JSONStringArray {
    enum Outcome: Equatable {
        case strings([String])
        /// Valid JSON, but not every element is a string.
        case notStrings
        /// Not a JSON array at all: the caller uses the shell form.
        case notJSON
    }

    static func parse(_ text: some StringProtocol) -> Outcome {
        var reader = Reader(scalars: Array(text.unicodeScalars))
        reader.skipWhitespace()
        guard reader.peek == "[" else { return .notJSON }
        guard let value = reader.readValue() else { return .notJSON }
        reader.skipWhitespace()
        guard reader.atEnd else { return .notJSON }
        guard case .array(let elements) = value else { return .notJSON }
        var strings: [String] = []
        for element in elements {
            guard case .string(let string) = element else { return .notStrings }
            strings.append(string)
        }
        return .strings(strings)
    }

    private enum Value {
        case string(String)
        case array([Value])
        case other
    }

    private struct Reader {
        let scalars: [Unicode.Scalar]
        var position = 0

        var atEnd: Bool { position >= scalars.count }
        var peek: Unicode.Scalar? { atEnd ? nil : scalars[position] }

        mutating func skipWhitespace() {
            while let scalar = peek, scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
                position += 1
            }
        }

        mutating func readValue() -> Value? {
            skipWhitespace()
            guard let scalar = peek else { return nil }
            switch scalar {
            case "[": return readArray()
            case "{": return readObject()
            case "\"": return readString().map(Value.string)
            case "t": return readLiteral("true")
            case "f": return readLiteral("false")
            case "n": return readLiteral("null")
            default: return readNumber()
            }
        }

        mutating func readArray() -> Value? {
            position += 1
            var elements: [Value] = []
            skipWhitespace()
            if peek == "]" {
                position += 1
                return .array(elements)
            }
            while true {
                guard let element = readValue() else { return nil }
                elements.append(element)
                skipWhitespace()
                switch peek {
                case ",": position += 1
                case "]":
                    position += 1
                    return .array(elements)
                default: return nil
                }
            }
        }

        mutating func readObject() -> Value? {
            position += 1
            skipWhitespace()
            if peek == "}" {
                position += 1
                return .other
            }
            while true {
                skipWhitespace()
                guard peek == "\"", readString() != nil else { return nil }
                skipWhitespace()
                guard peek == ":" else { return nil }
                position += 1
                guard readValue() != nil else { return nil }
                skipWhitespace()
                switch peek {
                case ",": position += 1
                case "}":
                    position += 1
                    return .other
                default: return nil
                }
            }
        }

        mutating func readLiteral(_ word: String) -> Value? {
            for expected in word.unicodeScalars {
                guard peek == expected else { return nil }
                position += 1
            }
            return .other
        }

        mutating func readNumber() -> Value? {
            let start = position
            while let scalar = peek, "+-0123456789.eE".unicodeScalars.contains(scalar) { position += 1 }
            guard position > start else { return nil }
            let text = String(String.UnicodeScalarView(scalars[start..<position]))
            return Double(text) == nil ? nil : .other
        }

        mutating func readString() -> String? {
            position += 1
            var result = String.UnicodeScalarView()
            while let scalar = peek {
                position += 1
                switch scalar {
                case "\"": return String(result)
                case "\\":
                    guard let escaped = peek else { return nil }
                    position += 1
                    switch escaped {
                    case "\"": result.append("\"")
                    case "\\": result.append("\\")
                    case "/": result.append("/")
                    case "b": result.append("\u{08}")
                    case "f": result.append("\u{0C}")
                    case "n": result.append("\n")
                    case "r": result.append("\r")
                    case "t": result.append("\t")
                    case "u":
                        guard let unit = readHex4() else { return nil }
                        if (0xD800..<0xDC00).contains(unit), peek == "\\",
                            position + 1 < scalars.count, scalars[position + 1] == "u"
                        {
                            position += 2
                            guard let low = readHex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                            let combined = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                            result.append(Unicode.Scalar(combined) ?? "\u{FFFD}")
                        } else {
                            result.append(Unicode.Scalar(unit) ?? "\u{FFFD}")
                        }
                    default: return nil
                    }
                default:
                    // JSON forbids raw control characters inside strings.
                    guard scalar.value >= 0x20 else { return nil }
                    result.append(scalar)
                }
            }
            return nil
        }

        mutating func readHex4() -> UInt32? {
            guard position + 4 <= scalars.count else { return nil }
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let digit = hexValue(scalars[position]) else { return nil }
                value = value * 16 + digit
                position += 1
            }
            return value
        }

        func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
            switch scalar.value {
            case 0x30...0x39: scalar.value - 0x30
            case 0x41...0x46: scalar.value - 0x41 + 10
            case 0x61...0x66: scalar.value - 0x61 + 10
            default: nil
            }
        }
    }
}
