/// cgroup limits; nil means unlimited.
public struct ResourceLimits: Codable, Sendable, Equatable {
    public var memoryBytes: Int64?
    /// CPUs as a fraction (0.5 = half a CPU): CFS quota over a 100 ms period.
    public var cpus: Double?
    public var pids: Int?
    /// Soft/hard open-files limit; never raised above the current hard limit.
    public var openFiles: UInt64?

    public init(memoryBytes: Int64? = nil, cpus: Double? = nil, pids: Int? = nil, openFiles: UInt64? = nil) {
        self.memoryBytes = memoryBytes
        self.cpus = cpus
        self.pids = pids
        self.openFiles = openFiles
    }

    /// Parses Docker's memory sizes: "64m", "1g", "512k", "1048576", "100b".
    public static func parseBytes(_ text: String) throws -> Int64 {
        let lower = text.lowercased()
        let units: [(String, Int64)] = [
            ("kb", 1 << 10), ("mb", 1 << 20), ("gb", 1 << 30), ("k", 1 << 10),
            ("m", 1 << 20), ("g", 1 << 30), ("b", 1),
        ]
        for (suffix, factor) in units where lower.hasSuffix(suffix) {
            if let value = Double(lower.dropLast(suffix.count)), value > 0 { return Int64(value * Double(factor)) }
            break
        }
        if let value = Int64(lower), value > 0 { return value }
        throw RuntimeError(
            .invalidArgument, "invalid memory size '\(text)': use a number with an optional unit (b, k, m, g), e.g. 64m"
        )
    }
}
