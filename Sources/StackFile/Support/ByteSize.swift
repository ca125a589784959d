/// Byte sizes as Compose writes them: `1024`, `1024b`, `512k`, `64m`, `1g` (also `kb`, `mb`,
/// `gb`, `tb`, any case; binary multiples as Docker uses them).
enum ByteSize {
    static func parse(_ text: String) -> Int64? {
        let lowered = text.trimmingWhitespace().lowercased()
        let number = lowered.prefix { $0.isNumber || $0 == "." }
        guard !number.isEmpty, let value = Double(number), value >= 0 else { return nil }
        let multipliers: [String: Double] = [
            "": 1, "b": 1, "k": 1024, "kb": 1024, "m": 1_048_576, "mb": 1_048_576,
            "g": 1_073_741_824, "gb": 1_073_741_824, "t": 1_099_511_627_776, "tb": 1_099_511_627_776,
        ]
        guard let multiplier = multipliers[String(lowered.dropFirst(number.count))] else { return nil }
        let bytes = value * multiplier
        guard bytes < Double(Int64.max) else { return nil }
        return Int64(bytes.rounded())
    }
}
