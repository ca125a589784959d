import Foundation
import Testing

/// The project-scoped verbs (`exec`, `top`, `stop`, `start`, `restart`, `kill`) with Compose's
/// names, beside the runtime's container verbs of the same names.
@Suite(.serialized) struct ComposeCommandsTests {
    @Test func projectVerbsAddressServicesAndStopAndKillOutliveRestartPolicies() throws {
        let sandbox = try SupervisorSandbox()
        let p = sandbox.project
        try sandbox.writeStack(
            """
              web:
                image: busybox
                init: true
                restart: always
                stop_grace_period: 1s
                deploy: {replicas: 2}
                command: ["sleep", "601"]
              worker:
                image: busybox
                init: true
                restart: always
                stop_grace_period: 1s
                command: ["sleep", "602"]
            """)
        let up = try sandbox.run(["up", "-d", "--wait"])
        try #require(up.status == 0, "\(up.stderr)")

        // exec: a service's replica by --index, exiting with the command's code.
        let code = try sandbox.run(["exec", "--index", "2", "-T", "web", "sh", "-c", "cat /etc/hostname; exit 7"])
        #expect(code.status == 7, "\(code.stderr)")
        let hostname = try sandbox.run(["exec", "--index", "2", "web", "cat", "/etc/hostname"]).stdout
        let replica1 = try sandbox.run(["exec", "web", "cat", "/etc/hostname"]).stdout
        #expect(!hostname.isEmpty && hostname != replica1, "\(hostname) vs \(replica1)")
        #expect(try sandbox.run(["exec", "--index", "3", "web", "true"]).status == 1)
        // A container's name keeps the container view beside the stack file.
        #expect(try sandbox.run(["exec", "\(p)-worker-1", "true"]).status == 0)

        let top = try sandbox.run(["top", "worker"])
        #expect(top.stdout.contains("\(p)-worker-1") && top.stdout.contains("sleep 602"), "\(top.stdout)")
        #expect(!top.stdout.contains("sleep 601"), "\(top.stdout)")

        // stop: stays stopped despite restart: always; start brings it back.
        let stop = try sandbox.run(["stop", "worker"])
        #expect(stop.status == 0, "\(stop.stderr)")
        usleep(1_500_000)
        #expect(try running(sandbox) == ["\(p)-web-1", "\(p)-web-2"])
        #expect(try sandbox.run(["start", "worker"]).status == 0)
        #expect(try running(sandbox).contains("\(p)-worker-1"))

        // restart: a new process.
        let before = try sandbox.pid(of: "\(p)-worker-1")
        #expect(try sandbox.run(["restart", "-t", "1", "worker"]).status == 0)
        let after = try sandbox.pid(of: "\(p)-worker-1")
        #expect(before != nil && after != nil && before != after)

        // kill: every replica, and the policy leaves them down.
        let kill = try sandbox.run(["kill", "-s", "KILL", "web"])
        #expect(kill.status == 0, "\(kill.stderr)")
        usleep(1_500_000)
        #expect(try running(sandbox) == ["\(p)-worker-1"])

        #expect(try sandbox.run(["stop", "nosuch"]).status == 1)
        #expect(try sandbox.run(["down"]).status == 0)
    }

    private func running(_ sandbox: SupervisorSandbox) throws -> [String] {
        try sandbox.run(["ps", "--format", "json"]).stdout.split(separator: "\n").compactMap { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["Name"] as? String
        }.sorted()
    }
}
