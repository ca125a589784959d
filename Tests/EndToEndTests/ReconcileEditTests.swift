import Foundation
import Testing

/// `reconcile` applies each kind of edit within 2 s with exactly the planned changes, and
/// `swiftstack events` in another process shows its actions.
@Suite(.serialized) struct ReconcileEditTests {
    func writeStack(
        _ sandbox: StackSandbox, clientImage: String = "busybox", webReplicas: Int = 1, extra: Bool = false
    ) throws {
        let extraService =
            extra
            ? """
              extra:
                image: busybox
                init: true
                stop_grace_period: 1s
                command: ["sleep", "600"]

            """ : ""
        try sandbox.directory.write(
            "compose.yaml",
            """
            name: \(sandbox.project)
            services:
              web:
                image: busybox
                init: true
                stop_grace_period: 1s
                command: ["httpd", "-f", "-p", "80", "-h", "/"]
                deploy:
                  replicas: \(webReplicas)
              client:
                image: \(clientImage)
                init: true
                stop_grace_period: 1s
                command: ["sleep", "600"]
            \(extraService)networks:
              default:
                ipam:
                  config: [{subnet: 10.121.\(sandbox.subnetOctet).0/24}]
            """)
    }

    @Test func imageReplicasNewAndRemovedServiceEditsAreAppliedWithExactlyThePlannedChanges() throws {
        let sandbox = try StackSandbox(projectPrefix: "edit")
        let project = sandbox.project
        #expect(try sandbox.run(["image", "tag", "busybox", "busybox:v2"]).status == 0)
        try writeStack(sandbox)
        let log = sandbox.directory.url.appendingPathComponent("reconcile.log").path
        let eventsLog = sandbox.directory.url.appendingPathComponent("events.log").path
        let pid = try CLI.start(
            ["reconcile", "--resync", "30"], in: sandbox.directory.url, environment: sandbox.environment, output: log)
        var events: pid_t?
        var reconciling = true
        defer {
            if reconciling {
                kill(pid, SIGKILL)
                _ = CLI.finish(pid, within: 5)
            }
            if let events {
                kill(events, SIGKILL)
                _ = CLI.finish(events, within: 5)
            }
        }
        let text = { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        #expect(eventually(20) { text().contains("start \(project)-client-1: created") }, "\(text())")
        #expect(eventually(5) { text().contains("start \(project)-web-1: created") }, "\(text())")
        // A second reconcile of the same project is refused, naming the first.
        let second = try sandbox.run(["reconcile"])
        #expect(second.status == 1)
        #expect(second.stderr.contains("already kept converged by another reconcile (pid \(pid))"), "\(second.stderr)")
        // `events` from another process, started once the stack runs.
        events = try CLI.start(
            ["events", "--json"], in: sandbox.directory.url, environment: sandbox.environment, output: eventsLog)
        usleep(500_000)

        /// The action lines (without time) the reconciler logs after `edit`, once `done` holds.
        func actions(after edit: () throws -> Void, until done: String) throws -> Set<String> {
            let before = text().split(separator: "\n").count
            try edit()
            #expect(eventually(2) { text().contains(done) }, "\(text())")
            usleep(300_000)
            let lines = text().split(separator: "\n").dropFirst(before)
            return Set(
                lines.compactMap { line in
                    guard let range = line.range(of: " action: ") else { return nil }
                    return String(line[range.upperBound...])
                })
        }

        let image = try actions(
            after: { try writeStack(sandbox, clientImage: "busybox:v2") },
            until: "~ recreate \(project)-client-1")
        #expect(image == [#"~ recreate \#(project)-client-1: image changed ("busybox" → "busybox:v2")"#])

        let scaled = try actions(
            after: { try writeStack(sandbox, clientImage: "busybox:v2", webReplicas: 2) },
            until: "> start \(project)-web-2")
        #expect(
            scaled == [
                "+ create \(project)-web-2: scale up: service web wants 2", "> start \(project)-web-2: created",
            ])

        let added = try actions(
            after: { try writeStack(sandbox, clientImage: "busybox:v2", webReplicas: 2, extra: true) },
            until: "> start \(project)-extra-1")
        #expect(
            added == [
                "+ create \(project)-extra-1: service extra has no container", "> start \(project)-extra-1: created",
            ])

        let removed = try actions(
            after: { try writeStack(sandbox, clientImage: "busybox:v2", webReplicas: 2) },
            until: "- remove \(project)-extra-1")
        #expect(removed == ["- remove \(project)-extra-1: orphan: service extra is not in the stack file"])

        let scaledDown = try actions(
            after: { try writeStack(sandbox, clientImage: "busybox:v2", webReplicas: 1) },
            until: "- remove \(project)-web-2")
        #expect(scaledDown == ["- remove \(project)-web-2: scale down: service web wants 1"])

        // What runs is what the file says.
        let names = Set(
            try sandbox.run(["ps", "--format", "json"]).stdout.split(separator: "\n").compactMap { line in
                ((try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any])?["Name"] as? String
            })
        #expect(names == ["\(project)-web-1", "\(project)-client-1"])

        // `events` showed the reconciler's actions, with their reasons, beside container events.
        let eventsText = { (try? String(contentsOfFile: eventsLog, encoding: .utf8)) ?? "" }
        #expect(eventually(2) { eventsText().contains("scale down: service web wants 1") }, "\(eventsText())")
        let records = eventsText().split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
        #expect(
            records.contains {
                $0["type"] as? String == "reconcile" && $0["action"] as? String == "remove-container"
                    && $0["target"] as? String == "\(project)-extra-1"
                    && ($0["reasons"] as? [String])?.first == "orphan: service extra is not in the stack file"
            }, "\(eventsText())")
        #expect(
            records.contains {
                $0["type"] as? String == "container" && $0["action"] as? String == "start"
                    && $0["service"] as? String == "extra"
            }, "\(eventsText())")

        kill(pid, SIGTERM)
        #expect(CLI.finish(pid, within: 10) == 0)
        reconciling = false
        #expect(try sandbox.run(["down", "-v"]).status == 0)
        try sandbox.expectNothingLeft()
    }
}
