import Foundation
import Testing

/// `swiftstack reconcile`: applies the file, then keeps the project converged in the foreground.
@Suite(.serialized) struct ReconcileTests {
    @Test func editsAreAppliedInvalidEditsChangeNothingDriftIsRepairedAndSIGTERMLeavesTheStack() throws {
        let sandbox = try StackSandbox()
        try sandbox.writeStack()
        let log = sandbox.directory.url.appendingPathComponent("reconcile.log").path
        let pid = try CLI.start(
            ["reconcile", "--resync", "2"], in: sandbox.directory.url, environment: sandbox.environment, output: log)
        var stopped = false
        defer {
            if !stopped {
                kill(pid, SIGKILL)
                _ = CLI.finish(pid, within: 5)
            }
        }
        let text = { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        let client = "\(sandbox.project)-client-1"
        #expect(eventually(20) { text().contains("start \(client): created") }, "\(text())")
        let clientID = { try? sandbox.run(["inspect", client]).stdout }

        // A saved edit is planned and applied within 2 s, recreating only what changed.
        try sandbox.writeStack(clientLevel: "debug")
        #expect(
            eventually(2) { text().contains(#"~ recreate \#(client): environment.LEVEL changed ("info" → "debug")"#) },
            "\(text())")
        #expect(!text().contains("recreate \(sandbox.project)-web-1"))

        // An invalid edit is reported with its line and changes nothing.
        let before = clientID()
        try sandbox.directory.write(
            "compose.yaml", "name: \(sandbox.project)\nservices:\n  web:\n    imagee: busybox\n")
        #expect(eventually(2) { text().contains("invalid: compose.yaml:4:5") }, "\(text())")
        usleep(500_000)
        #expect(clientID() == before)

        // Fixed again: converged back (nothing to recreate: the file is as before the bad edit).
        try sandbox.writeStack(clientLevel: "debug")
        #expect(eventually(2) { text().components(separatedBy: "stack file changed").count >= 3 }, "\(text())")

        // Drift: a container removed behind its back comes back.
        #expect(try sandbox.run(["rm", "-f", client]).status == 0)
        #expect(eventually(4) { (try? sandbox.run(["inspect", client]).status) == 0 }, "\(text())")

        // SIGTERM: the loop ends, the stack keeps running.
        kill(pid, SIGTERM)
        #expect(CLI.finish(pid, within: 10) == 0)
        stopped = true
        #expect(try sandbox.run(["ps"]).stdout.contains(client))

        #expect(try sandbox.run(["down", "-v"]).status == 0)
        try sandbox.expectNothingLeft()
    }

    @Test func jsonLogFormatWritesOneObjectPerLine() throws {
        let sandbox = try StackSandbox()
        try sandbox.writeStack()
        let log = sandbox.directory.url.appendingPathComponent("reconcile.json").path
        let pid = try CLI.start(
            ["reconcile", "--log-format", "json", "--down-on-exit"], in: sandbox.directory.url,
            environment: sandbox.environment, output: log)
        let text = { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        #expect(eventually(20) { text().contains("\"kind\":\"action\"") })
        kill(pid, SIGINT)
        #expect(CLI.finish(pid, within: 15) == 0)
        for line in text().split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["kind"] != nil && object?["message"] != nil, "\(line)")
        }
        // --down-on-exit removed the project (its volume stays, as with `down`).
        #expect(
            ((try? FileManager.default.contentsOfDirectory(atPath: sandbox.stateRoot + "/containers")) ?? []).isEmpty)
        _ = try sandbox.run(["down", "-v"])
        try sandbox.expectNothingLeft()
    }
}
