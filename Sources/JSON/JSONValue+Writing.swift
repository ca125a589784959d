extension JSONValue {
    /// Compact JSON with object keys sorted, as `JSONEncoder` writes with `.sortedKeys` (and,
    /// without `escapingSlashes`, `.withoutEscapingSlashes`): integers as digits, whole doubles
    /// without a fraction, strings escaped the same way.
    public func serialized(escapingSlashes: Bool = true) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        write(into: &output, escapingSlashes: escapingSlashes)
        return output
    }

    private func write(into output: inout [UInt8], escapingSlashes: Bool) {
        switch self {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .integer(let number): output.append(contentsOf: String(number).utf8)
        case .double(let number): output.append(contentsOf: Self.text(of: number).utf8)
        case .string(let text): Self.appendQuoted(text, to: &output, escapingSlashes: escapingSlashes)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                element.write(into: &output, escapingSlashes: escapingSlashes)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (position, key) in members.keys.sorted().enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                Self.appendQuoted(key, to: &output, escapingSlashes: escapingSlashes)
                output.append(UInt8(ascii: ":"))
                members[key]!.write(into: &output, escapingSlashes: escapingSlashes)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// `0.5`, `2` (not `2.0`): the shortest form that reads back as the same double.
    private static func text(of number: Double) -> String {
        let text = number.description
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// `text` as a JSON string literal: `"`, `\`, control characters (and `/` when asked)
    /// escaped; everything else as UTF-8.
    public static func quoted(_ text: String, escapingSlashes: Bool = true) -> String {
        var output: [UInt8] = []
        appendQuoted(text, to: &output, escapingSlashes: escapingSlashes)
        return String(decoding: output, as: UTF8.self)
    }

    private static func appendQuoted(_ text: String, to output: inout [UInt8], escapingSlashes: Bool) {
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "/") where escapingSlashes:
                output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "/")])
            case 0x0A: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                output.append(contentsOf: "\\u00".utf8)
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0x0F)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
