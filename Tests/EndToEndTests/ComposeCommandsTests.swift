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

/// `run SERVICE`: a one-off container after its dependencies' conditions, on the project's network.
@Suite(.serialized) struct ComposeRunTests {
    @Test func runStartsDependenciesWaitsForHealthAndExitsWithTheCommandsCode() throws {
        let sandbox = try SupervisorSandbox()
        let p = sandbox.project
        try sandbox.directory.write("www/index.html", "hello from db of \(p)\n")
        try sandbox.writeStack(
            """
              db:
                image: busybox
                init: true
                stop_grace_period: 1s
                command: ["sh", "-c", "sleep 1; httpd -f -p 80 -h /www"]
                volumes: ["./www:/www:ro"]
                healthcheck:
                  test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1/"]
                  interval: 1s
                  start_interval: 200ms
                  start_period: 10s
              tool:
                image: busybox
                restart: always
                environment: {GREETING: hi}
                command: ["echo", "default command"]
                depends_on:
                  db: {condition: service_healthy}
            """)
        let run = try sandbox.run([
            "run", "--rm", "-e", "GREETING=hello", "tool", "sh", "-c",
            "echo $GREETING; wget -q -O - http://db/; exit 4",
        ])
        #expect(run.status == 4, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("hello\n"), "\(run.stdout)")
        #expect(run.stdout.contains("hello from db of \(p)"), "\(run.stdout)")
        let all = try sandbox.run(["ps", "-a"]).stdout
        #expect(all.contains("\(p)-db-1"), "the dependency was started: \(all)")
        #expect(!all.contains("-tool-run-"), "--rm removed the one-off: \(all)")
        #expect(!all.contains("\(p)-tool-1"), "run does not start the service itself: \(all)")

        // A detached one-off: up neither counts nor removes it, the policy does not restart it, down removes it.
        let detached = try sandbox.run(["run", "-d", "tool", "true"])
        #expect(detached.status == 0, "\(detached.stderr)")
        let name = detached.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(name.hasPrefix("\(p)-tool-run-"), "\(name)")
        let up = try sandbox.run(["up", "-d", "--remove-orphans"])
        #expect(up.status == 0, "\(up.stderr)")
        #expect(!up.stderr.contains(name), "\(up.stderr)")
        usleep(1_000_000)
        let ps = try sandbox.run(["ps", "-a", "--format", "json"]).stdout
        #expect(
            ps.contains(name)
                && !ps.split(separator: "\n").contains { $0.contains(name) && $0.contains(#""State":"running""#) },
            "\(ps)")
        #expect(try sandbox.run(["down"]).status == 0)
        #expect(!(try sandbox.run(["ps", "-a"]).stdout.contains(name)))
    }
    /// Compose attaches stdin to a one-off and gives it a terminal when ours is one (`-T`: never).
    @Test func runAttachesStdinAndATerminalWhenOnOne() throws {
        let sandbox = try SupervisorSandbox()
        try sandbox.writeStack(
            """
              tool:
                image: busybox
                command: ["true"]
            """)
        let piped = try sandbox.run(
            ["run", "--rm", "tool", "sh", "-c", "cat; test -t 0 || echo no-terminal"], input: "piped data\n")
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.stdout == "piped data\nno-terminal\n", "\(piped.stdout)")

        let probe = [
            "sh", "-c", "if test -t 0 && test -t 1; then echo on-a-terminal; else echo no-terminal; fi; exit 3",
        ]
        let onTerminal = try CLI.runOnTerminal(
            ["run", "--rm", "tool"] + probe, in: sandbox.directory.url, environment: sandbox.environment)
        #expect(onTerminal.status == 3, "\(onTerminal.stdout)")
        #expect(onTerminal.stdout.contains("on-a-terminal"), "\(onTerminal.stdout)")
        let withoutTTY = try CLI.runOnTerminal(
            ["run", "--rm", "-T", "tool"] + probe, in: sandbox.directory.url, environment: sandbox.environment)
        #expect(withoutTTY.status == 3, "\(withoutTTY.stdout)")
        #expect(withoutTTY.stdout.contains("no-terminal"), "\(withoutTTY.stdout)")
        #expect(!(try sandbox.run(["ps", "-a"]).stdout.contains("-tool-run-")), "--rm removed the one-offs")
    }
}

/// `events`: what happens to the project's containers, as text and as JSON lines.
@Suite(.serialized) struct ComposeEventsTests {
    @Test func eventsReportStartDieWithTheCodeHealthAndDestroy() throws {
        let sandbox = try SupervisorSandbox()
        try sandbox.writeStack(
            """
              job:
                image: busybox
                command: ["sh", "-c", "sleep 0.5; exit 3"]
              web:
                image: busybox
                init: true
                stop_grace_period: 1s
                command: ["sleep", "600"]
                healthcheck:
                  test: ["CMD", "true"]
                  interval: 1s
                  start_interval: 200ms
                  start_period: 5s
            """)
        let output = sandbox.directory.url.appendingPathComponent("events.out").path
        let pid = try BackgroundCLI.spawn(
            ["events", "--json"], in: sandbox.directory.url, environment: sandbox.environment, output: output)
        defer {
            kill(pid, SIGTERM)
            _ = BackgroundCLI.wait(pid, seconds: 5)
        }
        usleep(500_000)
        #expect(try sandbox.run(["up", "-d"]).status == 0)
        let read = { (try? String(contentsOfFile: output, encoding: .utf8)) ?? "" }
        #expect(
            SupervisorSandbox.eventually(15) { read().contains(#""action":"health_status: healthy""#) }, "\(read())")
        #expect(SupervisorSandbox.eventually(10) { read().contains(#""exitCode":"3""#) }, "\(read())")
        let lines = read().split(separator: "\n")
        #expect(lines.contains { $0.contains(#""action":"start""#) && $0.contains(#""service":"web""#) }, "\(read())")
        #expect(lines.contains { $0.contains(#""action":"die""#) && $0.contains(#""service":"job""#) }, "\(read())")
        #expect(try sandbox.run(["down"]).status == 0)
        #expect(SupervisorSandbox.eventually(5) { read().contains(#""action":"destroy""#) }, "\(read())")
    }
}
