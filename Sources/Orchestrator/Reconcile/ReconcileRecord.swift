import Foundation

/// One line of the reconcile log: what happened and why.
public struct ReconcileRecord: Sendable, Encodable {
    public enum Kind: String, Sendable, Encodable {
        /// A convergence starts, with its trigger.
        case converge
        /// One plan action applied (`recreate crawler-crawler-1: environment.LEVEL changed …`).
        case action
        /// An action or a convergence failed.
        case error
        /// The edited stack file is invalid; nothing was changed.
        case invalid
        case info
    }

    public var time: Date
    public var kind: Kind
    public var message: String
    /// The action's kind and target, for `action` records.
    public var action: String?
    public var target: String?
    public var reasons: [String]?

    public init(
        _ kind: Kind, _ message: String, action: String? = nil, target: String? = nil, reasons: [String]? = nil,
        time: Date = Date()
    ) {
        self.time = time
        self.kind = kind
        self.message = message
        self.action = action
        self.target = target
        self.reasons = reasons
    }

    /// `2026-11-29T02:03:04Z action: ~ recreate web-1: environment.LEVEL changed (…)`.
    public var text: String {
        "\(ISO8601DateFormatter().string(from: time)) \(kind.rawValue): \(message)"
    }

    /// One JSON object on one line.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
