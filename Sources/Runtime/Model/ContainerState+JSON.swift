import Foundation
import Glibc
import JSON

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

    /// Reads what `encodedJSON` (or `JSONEncoder`) writes, without the Codable decoder's
    /// first-use cost. nil for anything else (another date form): the caller then falls back to
    /// `JSONDecoder`.
    init?(json bytes: [UInt8]) {
        guard let object = try? JSONObject(parsing: bytes),
            let created = try? object.string("createdAt"), let createdAt = Self.date(iso8601: created),
            let statusText = try? object.string("status"), let status = Status(rawValue: statusText)
        else { return nil }
        var state = ContainerState(createdAt: createdAt)
        state.status = status
        do {
            state.pid = try object.int32("pid")
            state.pidStartTime = try object.uint64("pidStartTime")
            state.ownerPid = try object.int32("ownerPid")
            state.ownerStartTime = try object.uint64("ownerStartTime")
            state.exitCode = try object.int32("exitCode")
            guard let oomKilled = try object.bool("oomKilled") else { return nil }
            state.oomKilled = oomKilled
            state.error = try object.string("error")
            if let text = try object.string("startedAt") {
                guard let date = Self.date(iso8601: text) else { return nil }
                state.startedAt = date
            }
            if let text = try object.string("finishedAt") {
                guard let date = Self.date(iso8601: text) else { return nil }
                state.finishedAt = date
            }
        } catch {
            return nil
        }
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
    static func quoted(_ text: String) -> String { JSONValue.quoted(text) }
}
