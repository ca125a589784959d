import Glibc

/// RFC 3339 UTC timestamps, as OCI configs carry them.
enum Timestamp {
    /// `SOURCE_DATE_EPOCH` (reproducible-builds.org) when set to a non-negative integer.
    static var sourceDateEpoch: Int? {
        guard let raw = getenv("SOURCE_DATE_EPOCH") else { return nil }
        guard let seconds = Int(String(cString: raw)), seconds >= 0 else { return nil }
        return seconds
    }

    /// The `created` time of a new image or step: `SOURCE_DATE_EPOCH` when set (so equal inputs
    /// give equal digests), else now.
    static func creation(epoch: Int?) -> String {
        if let epoch { return format(seconds: epoch) }
        return now()
    }

    static func now() -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return format(seconds: time.tv_sec)
    }

    static func format(seconds: Int) -> String {
        var seconds = seconds
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return
            "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// Seconds since the epoch of an RFC 3339 timestamp (fractions and offsets honoured to the second).
    static func parse(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 19 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        var result = timegm(&parts)
        // Offset: skip fractions, then Z or ±hh:mm.
        var cursor = 19
        if cursor < bytes.count && bytes[cursor] == UInt8(ascii: ".") {
            cursor += 1
            while cursor < bytes.count && bytes[cursor] >= 48 && bytes[cursor] <= 57 { cursor += 1 }
        }
        if cursor + 6 <= bytes.count, bytes[cursor] == UInt8(ascii: "+") || bytes[cursor] == UInt8(ascii: "-"),
            let hours = number(cursor + 1..<cursor + 3), let minutes = number(cursor + 4..<cursor + 6)
        {
            let offset = hours * 3600 + minutes * 60
            result += bytes[cursor] == UInt8(ascii: "+") ? -offset : offset
        }
        return result
    }
}

/// The platform images are recorded for: this machine's, in OCI's spelling.
struct Platform {
    var architecture: String
    var os: String

    static var current: Platform {
        var names = utsname()
        uname(&names)
        let machine = withUnsafeBytes(of: names.machine) {
            String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        let architecture: String
        switch machine {
        case "x86_64": architecture = "amd64"
        case "aarch64": architecture = "arm64"
        case "armv7l": architecture = "arm"
        case "i686", "i386": architecture = "386"
        default: architecture = machine
        }
        return Platform(architecture: architecture, os: "linux")
    }
}
