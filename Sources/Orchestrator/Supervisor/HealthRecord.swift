import Foundation

/// The health of one container, as `ps` shows it and DNS filters by it.
public enum HealthStatus: String, Codable, Sendable {
    case starting, healthy, unhealthy
}

/// One container's healthcheck state: Docker's rules (a success makes it healthy at once;
/// `retries` failures in a row make it unhealthy; failures during `start_period` do not count
/// until the first success).
public struct HealthRecord: Codable, Sendable, Equatable {
    /// The container's id: a recreated container starts over.
    public var containerID: String
    /// The start time of the container's process: a restarted container starts over.
    public var processStart: UInt64
    public var status: HealthStatus
    public var failingStreak: Int
    public var lastProbe: Date?

    public init(containerID: String, processStart: UInt64) {
        self.containerID = containerID
        self.processStart = processStart
        status = .starting
        failingStreak = 0
    }

    /// Records one probe's result `elapsed` seconds after the container started.
    public mutating func record(success: Bool, elapsed: Double, rule: HealthRule, at time: Date = Date()) {
        lastProbe = time
        if success {
            status = .healthy
            failingStreak = 0
            return
        }
        if status == .starting && elapsed < rule.startPeriodSeconds { return }
        failingStreak += 1
        if failingStreak >= rule.retries { status = .unhealthy }
    }

    /// Whether the next probe is due.
    public func isDue(now: Date, startedAt: Date, rule: HealthRule) -> Bool {
        guard let lastProbe else { return true }
        return now.timeIntervalSince(lastProbe) >= rule.spacing(elapsed: now.timeIntervalSince(startedAt))
    }
}

/// `health.json`: container name → record.
public enum HealthFile {
    public static func load(_ path: String) -> [String: HealthRecord] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        return (try? JSONDecoder.iso.decode([String: HealthRecord].self, from: data)) ?? [:]
    }

    static func save(_ records: [String: HealthRecord], to path: String) throws {
        try AtomicFile.write(try JSONEncoder.iso.encode(records), to: path, mode: 0o644)
    }
}

/// Dates in the supervisor's files: RFC 3339 with fractional seconds (back-off steps are
/// tenths of a second).
private let fractionalISO8601 = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

extension JSONDecoder {
    static var iso: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            return try fractionalISO8601.parse(text)
        }
        return decoder
    }
}

extension JSONEncoder {
    static var iso: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(fractionalISO8601))
        }
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
