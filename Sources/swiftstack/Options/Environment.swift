import Foundation

/// Process environment access in one place.
enum Environment {
    /// One variable: getenv, not ProcessInfo's dictionary of them all (costly on the run path).
    static func value(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
    static var all: [String: String] { ProcessInfo.processInfo.environment }
}
