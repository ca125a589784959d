import Foundation
import Glibc

extension ContainerState {
    /// `state.json` written by hand, byte for byte what `JSONEncoder` makes of it with sorted keys
    /// and ISO 8601 dates (so every reader keeps using `JSONDecoder`). It is written at create,
    /// start and exit of every container, and the Codable encoder's first use in a process costs
    /// ~2 M instructions of generic-metadata and conformance lookups.
    func encodedJSON() -> [UInt8] {
        var fields: [(String, String)] = [("createdAt", Self.quoted(Self.iso8601(createdAt)))]
        if let error { fields.append(("error", Self.quoted(error))) }
        if let exitCode { fields.append(("exitCode", String(exitCode))) }
        if let finishedAt { fields.append(("finishedAt", Self.quoted(Self.iso8601(finishedAt)))) }
        fields.append(("oomKilled", oomKilled ? "true" : "false"))
        if let ownerPid { fields.append(("ownerPid", String(ownerPid))) }
        if let ownerStartTime { fields.append(("ownerStartTime", String(ownerStartTime))) }
        if let pid { fields.append(("pid", String(pid))) }
        if let pidStartTime { fields.append(("pidStartTime", String(pidStartTime))) }
        if let startedAt { fields.append(("startedAt", Self.quoted(Self.iso8601(startedAt)))) }
        fields.append(("status", Self.quoted(status.rawValue)))
        return Array(("{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}").utf8)
    }

    /// Reads what `encodedJSON` writes (a flat object: strings, integers, booleans, null) without
    /// the Codable decoder's first-use cost. nil for anything else (an unknown key, another date
    /// form): the caller then falls back to `JSONDecoder`.
    init?(json bytes: [UInt8]) {
        var reader = FlatJSONReader(bytes)
        var state = ContainerState(createdAt: Date(timeIntervalSince1970: 0))
        var sawCreated = false
        var sawStatus = false
        guard reader.consume(UInt8(ascii: "{")) else { return nil }
        if !reader.consume(UInt8(ascii: "}")) {
            repeat {
                guard let key = reader.string(), reader.consume(UInt8(ascii: ":")), let value = reader.value() else {
                    return nil
                }
                switch (key, value) {
                case (_, .null): break
                case ("status", .string(let text)):
                    guard let status = Status(rawValue: text) else { return nil }
                    state.status = status
                    sawStatus = true
                case ("pid", .integer(let n)):
                    guard let v = Int32(exactly: n) else { return nil }
                    state.pid = v
                case ("pidStartTime", .integer(let n)):
                    guard let v = UInt64(exactly: n) else { return nil }
                    state.pidStartTime = v
                case ("ownerPid", .integer(let n)):
                    guard let v = Int32(exactly: n) else { return nil }
                    state.ownerPid = v
                case ("ownerStartTime", .integer(let n)):
                    guard let v = UInt64(exactly: n) else { return nil }
                    state.ownerStartTime = v
                case ("exitCode", .integer(let n)):
                    guard let v = Int32(exactly: n) else { return nil }
                    state.exitCode = v
                case ("oomKilled", .boolean(let b)): state.oomKilled = b
                case ("error", .string(let text)): state.error = text
                case ("createdAt", .string(let text)):
                    guard let date = Self.date(iso8601: text) else { return nil }
                    state.createdAt = date
                    sawCreated = true
                case ("startedAt", .string(let text)):
                    guard let date = Self.date(iso8601: text) else { return nil }
                    state.startedAt = date
                case ("finishedAt", .string(let text)):
                    guard let date = Self.date(iso8601: text) else { return nil }
                    state.finishedAt = date
                default: return nil
                }
            } while reader.consume(UInt8(ascii: ","))
            guard reader.consume(UInt8(ascii: "}")) else { return nil }
        }
        guard reader.atEnd, sawCreated, sawStatus else { return nil }
        self = state
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` only.
    static func date(iso8601 text: String) -> Date? {
        let digits = Array(text.utf8)
        guard digits.count == 20, digits[4] == UInt8(ascii: "-"), digits[7] == UInt8(ascii: "-"),
            digits[10] == UInt8(ascii: "T"), digits[13] == UInt8(ascii: ":"), digits[16] == UInt8(ascii: ":"),
            digits[19] == UInt8(ascii: "Z")
        else { return nil }
        func number(_ range: Range<Int>) -> Int32? {
            var value: Int32 = 0
            for index in range {
                let digit = digits[index] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int32(digit)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var parts = tm()
        (parts.tm_year, parts.tm_mon, parts.tm_mday) = (year - 1900, month - 1, day)
        (parts.tm_hour, parts.tm_min, parts.tm_sec) = (hour, minute, second)
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }

    /// `2026-11-29T04:08:24Z`: whole seconds in UTC, as `JSONEncoder`'s `.iso8601` writes them.
    static func iso8601(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : String(value) }
        let year = String(parts.tm_year + 1900)
        return year + "-" + two(parts.tm_mon + 1) + "-" + two(parts.tm_mday) + "T" + two(parts.tm_hour) + ":"
            + two(parts.tm_min) + ":" + two(parts.tm_sec) + "Z"
    }

    /// A JSON string literal escaped as `JSONEncoder` does (including `\/`).
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "/": result += "\\/"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

/// A reader for one flat JSON object (no nested arrays or objects), over UTF-8 bytes.
private struct FlatJSONReader {
    enum Value {
        case string(String)
        case integer(Int64)
        case boolean(Bool)
        case null
    }

    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool {
        mutating get {
            skipSpace()
            return index == bytes.count
        }
    }

    private mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
    }

    mutating func consume(_ byte: UInt8) -> Bool {
        skipSpace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func literal(_ word: String) -> Bool {
        let word = Array(word.utf8)
        guard bytes.count - index >= word.count, Array(bytes[index..<index + word.count]) == word else { return false }
        index += word.count
        return true
    }

    mutating func value() -> Value? {
        skipSpace()
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "\""): return string().map(Value.string)
        case UInt8(ascii: "t"): return literal("true") ? .boolean(true) : nil
        case UInt8(ascii: "f"): return literal("false") ? .boolean(false) : nil
        case UInt8(ascii: "n"): return literal("null") ? .null : nil
        default:
            let start = index
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                index += 1
            }
            return Int64(String(decoding: bytes[start..<index], as: UTF8.self)).map(Value.integer)
        }
    }

    mutating func string() -> String? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        var scalars = String.UnicodeScalarView()
        var raw: [UInt8] = []
        func flushRaw() {
            scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
            raw.removeAll()
        }
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\"") {
                flushRaw()
                return String(scalars)
            }
            if byte != UInt8(ascii: "\\") {
                raw.append(byte)
                continue
            }
            guard index < bytes.count else { return nil }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): raw.append(escape)
            case UInt8(ascii: "n"): raw.append(0x0A)
            case UInt8(ascii: "r"): raw.append(0x0D)
            case UInt8(ascii: "t"): raw.append(0x09)
            case UInt8(ascii: "b"): raw.append(0x08)
            case UInt8(ascii: "f"): raw.append(0x0C)
            case UInt8(ascii: "u"):
                guard var code = hex4() else { return nil }
                if (0xD800..<0xDC00).contains(code) {
                    // A surrogate pair: \uD83D\uDC33.
                    guard literal("\\u"), let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(code) else { return nil }
                flushRaw()
                scalars.append(scalar)
            default: return nil
            }
        }
        return nil
    }

    private mutating func hex4() -> UInt32? {
        guard bytes.count - index >= 4,
            let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
        else { return nil }
        index += 4
        return value
    }
}
