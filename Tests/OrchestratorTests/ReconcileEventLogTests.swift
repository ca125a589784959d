import Foundation
import Orchestrator
import Testing

/// The reconcile event log as another process follows it: every line once, in order, across
/// rotations, and never more than twice its limit on disk.
@Suite struct ReconcileEventLogTests {
    @Test func aFollowerSeesEveryRecordOnceAcrossRotations() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("events-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        var log = ReconcileEventLog(stateRoot: root, project: "demo")
        log.limit = 600
        log.append(ReconcileRecord(.info, "before the follower"))
        let follower = ReconcileEventFollower(log: log)
        var seen: [String] = []
        for number in 0..<40 {
            log.append(ReconcileRecord(.action, "record \(number)", action: "create-container", target: "demo-web-1"))
            if number % 3 == 0 { seen += follower.poll() }
        }
        seen += follower.poll()
        let messages = seen.compactMap { line in
            ((try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any])?["message"] as? String
        }
        // Rotation keeps one previous file, so a follower polling at least once per rotation misses nothing.
        #expect(messages == (0..<40).map { "record \($0)" })
        let size = { (path: String) in
            ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
        }
        #expect(size(log.path) <= log.limit)
        #expect(size(log.previousPath) <= log.limit)
        #expect(size(log.previousPath) > 0)
        #expect(follower.poll().isEmpty)
    }
}
