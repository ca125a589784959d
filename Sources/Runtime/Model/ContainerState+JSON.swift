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
