/// A duration as Compose writes it (`1m30s`, `500ms`, `2h`), kept in nanoseconds.
public struct TimeSpan: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static let zero = TimeSpan(nanoseconds: 0)
    public static func seconds(_ s: Int64) -> TimeSpan { TimeSpan(nanoseconds: s * 1_000_000_000) }
    public static func milliseconds(_ ms: Int64) -> TimeSpan { TimeSpan(nanoseconds: ms * 1_000_000) }

    public static func < (a: TimeSpan, b: TimeSpan) -> Bool { a.nanoseconds < b.nanoseconds }

    /// Parses Go's duration syntax as Compose accepts it: a sequence of decimal numbers
    /// each with a unit (`ns`, `us`, `µs`, `ms`, `s`, `m`, `h`). `nil` when invalid.
    public init?(parsing text: String) {
        let units: [(String, Double)] = [
            ("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
        ]
        var rest = Substring(text.trimmingWhitespace())
        guard !rest.isEmpty else { return nil }
        if rest == "0" {
            self.init(nanoseconds: 0)
            return
        }
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unitText = rest.prefix { !($0.isNumber || $0 == ".") }
            // Longest unit first so "ms" is not read as "m" + "s".
            guard let unit = units.filter({ String(unitText) == $0.0 }).first else { return nil }
            total += value * unit.1
            rest = rest.dropFirst(unitText.count)
        }
        guard total < Double(Int64.max) else { return nil }
        self.init(nanoseconds: Int64(total.rounded()))
    }

    /// Go's canonical spelling (`1m30s`, `500ms`, `0s`).
    public var description: String {
        var n = nanoseconds
        if n == 0 { return "0s" }
        if n % 1_000_000_000 != 0 {
            if n % 1_000_000 == 0 { return "\(n / 1_000_000)ms" }
            if n % 1000 == 0 { return "\(n / 1000)us" }
            return "\(n)ns"
        }
        var out = ""
        let hours = n / 3_600_000_000_000
        if hours > 0 {
            out += "\(hours)h"
            n -= hours * 3_600_000_000_000
        }
        let minutes = n / 60_000_000_000
        if minutes > 0 {
            out += "\(minutes)m"
            n -= minutes * 60_000_000_000
        }
        let seconds = n / 1_000_000_000
        if seconds > 0 || out.isEmpty { out += "\(seconds)s" }
        return out
    }

    /// Seconds as a floating-point value.
    public var seconds: Double { Double(nanoseconds) / 1e9 }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let first = s.first, first.isWhitespace { s = s.dropFirst() }
        while let last = s.last, last.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
