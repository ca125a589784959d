import Foundation
import Testing

/// Attached `up` (logs with `SERVICE-N |` prefixes, Ctrl-C, the abort flags) and `up --wait`'s
/// readiness model, with real busybox containers.
@Suite(.serialized) struct ComposeAttachedTests {
    @Test func exitCodeFromStopsTheStackAndExitsWithThatServicesCode() throws {
        let sandbox = try SupervisorSandbox()
        try sandbox.writeStack(
            """
              talker:
                image: busybox
                init: true
                stop_grace_period: 1s
                command: ["sh", "-c", "echo hello from talker; sleep 600"]
              finisher:
                image: busybox
                command: ["sh", "-c", "sleep 1; echo finishing; exit 3"]
            """)
        let up = try sandbox.run(["up", "--exit-code-from", "finisher"])
        #expect(up.status == 3, "\(up.stdout)\(up.stderr)")
        #expect(up.stdout.contains("talker-1    | hello from talker"), "\(up.stdout)")
        #expect(up.stdout.contains("finisher-1  | finishing"), "\(up.stdout)")
        #expect(up.stdout.contains("finisher-1 exited with code 3"), "\(up.stdout)")
        #expect(!up.stdout.contains("\u{1B}["), "no colour when stdout is not a terminal")
        let ps = try sandbox.run(["ps", "-a", "--format", "json"]).stdout
        #expect(!ps.contains(#""State":"running""#), "the stack is stopped: \(ps)")
        #expect(try sandbox.run(["down"]).status == 0)
    }

    @Test func attachedUpFollowsRestartsAndEndsWhenNothingIsLeftToRun() throws {
        let sandbox = try SupervisorSandbox()
        try sandbox.writeStack(
            """
              flaky:
                image: busybox
                restart: on-failure:2
                command: ["sh", "-c", "echo attempt; exit 1"]
            """)
        let up = try sandbox.run(["up"])
        #expect(up.status == 0, "\(up.stdout)\(up.stderr)")
        let lines = up.stdout.split(separator: "\n")
        #expect(lines.filter { $0 == "flaky-1  | attempt" }.count == 3, "\(up.stdout)")
        // A restart quicker than a look leaves that exit's code unseen ("unknown"), never invented.
        #expect(lines.filter { $0.hasPrefix("flaky-1 exited with code ") }.count == 3, "\(up.stdout)")
        #expect(lines.last == "flaky-1 exited with code 1", "\(up.stdout)")
    }

    @Test func abortOnFailureIgnoresASuccessAndStopsOnAFailure() throws {
        let sandbox = try SupervisorSandbox()
        try sandbox.writeStack(
            """
              ok:
                image: busybox
                command: ["true"]
              bad:
                image: busybox
                command: ["sh", "-c", "sleep 1.5; exit 2"]
              long:
                image: busybox
                init: true
                stop_grace_period: 1s
                command: ["sleep", "600"]
            """)
        let started = Date()
        let up = try sandbox.run(["up", "--abort-on-container-failure"])
        #expect(up.status == 2, "\(up.stdout)\(up.stderr)")
        #expect(up.stdout.contains("ok-1 exited with code 0"), "\(up.stdout)")
        #expect(up.stdout.contains("bad-1 exited with code 2"), "\(up.stdout)")
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(!(try sandbox.run(["ps"]).stdout.contains("long-1")), "long was stopped")
    }

    @Test func controlCStopsTheStackGracefullyAndItStaysStopped() throws {
        let sandbox = try SupervisorSandbox()
        try sandbox.writeStack(
            """
              daemon:
                image: busybox
                init: true
                restart: always
                stop_grace_period: 5s
                command: ["sh", "-c", "echo daemon up; sleep 600"]
            """)
        let output = sandbox.directory.url.appendingPathComponent("up.out").path
        let pid = try BackgroundCLI.spawn(
            ["up"], in: sandbox.directory.url, environment: sandbox.environment, output: output)
        #expect(
            SupervisorSandbox.eventually(30) {
                ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").contains("daemon-1  | daemon up")
            })
        kill(pid, SIGINT)
        let status = BackgroundCLI.wait(pid, seconds: 20)
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        #expect(status == 130, "\(text)")
        #expect(text.contains("Gracefully stopping"), "\(text)")
        // The restart policy leaves a container stopped on purpose alone.
        usleep(1_500_000)
        let ps = try sandbox.run(["ps", "-a"]).stdout
        #expect(ps.contains("Exited"), "\(ps)")
        #expect(!ps.contains("Up "), "\(ps)")
    }

    @Test func waitFailsAtOnceWhenADaemonExitsAndShowsItsLastLines() throws {
        let sandbox = try SupervisorSandbox()
        try sandbox.writeStack(
            """
              aslow:
                image: busybox
                init: true
                stop_grace_period: 1s
                command: ["sleep", "600"]
                healthcheck:
                  test: ["CMD", "false"]
                  interval: 1s
                  retries: 1000
              crasher:
                image: busybox
                command: ["sh", "-c", "i=1; while [ $$i -le 30 ]; do echo line $$i; i=$$((i+1)); done; sleep 1; exit 5"]
            """)
        let started = Date()
        let up = try sandbox.run(["up", "-d", "--wait", "--wait-timeout", "120"])
        #expect(up.status == 1, "\(up.stderr)")
        #expect(Date().timeIntervalSince(started) < 30, "fails at once, not at the timeout")
        #expect(up.stderr.contains("exited with code 5"), "\(up.stderr)")
        #expect(up.stderr.contains("line 30"), "\(up.stderr)")
        #expect(up.stderr.contains("line 11"), "\(up.stderr)")
        #expect(!up.stderr.contains("line 10\n"), "only the last 20 lines: \(up.stderr)")
    }

    @Test func waitCoversTheSelectedServicesAndEveryScaledReplica() throws {
        let sandbox = try SupervisorSandbox()
        try sandbox.writeStack(
            """
              web:
                image: busybox
                init: true
                stop_grace_period: 1s
                command: ["sleep", "600"]
              other:
                image: busybox
                command: ["sh", "-c", "exit 9"]
            """)
        let up = try sandbox.run(["up", "-d", "--wait", "--wait-timeout", "20", "--scale", "web=2", "web"])
        #expect(up.status == 0, "other is not selected: \(up.stderr)")
        let ps = try sandbox.run(["ps"]).stdout
        #expect(ps.contains("\(sandbox.project)-web-2"), "\(ps)")
    }

    @Test func waitSucceedsWithAJobThatExitedZeroAndAHealthyDaemon() throws {
        let sandbox = try SupervisorSandbox()
        try sandbox.writeStack(
            """
              migrate:
                image: busybox
                command: ["sh", "-c", "sleep 0.5; echo migrated"]
              web:
                image: busybox
                init: true
                stop_grace_period: 1s
                command: ["sh", "-c", "sleep 1; touch /ready; sleep 600"]
                healthcheck:
                  test: ["CMD", "test", "-f", "/ready"]
                  interval: 1s
                  start_interval: 200ms
                  start_period: 10s
                depends_on:
                  migrate: {condition: service_completed_successfully}
            """)
        let up = try sandbox.run(["up", "-d", "--wait", "--wait-timeout", "60"])
        #expect(up.status == 0, "\(up.stderr)")
        let ps = try sandbox.run(["ps"]).stdout
        #expect(ps.contains("(healthy)"), "\(ps)")
    }
}

/// A `swiftstack` run in the background (output to a file), to signal it while it runs.
enum BackgroundCLI {
    static func spawn(_ arguments: [String], in directory: URL, environment: [String: String], output: String) throws
        -> pid_t
    {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let command = ["/usr/bin/env", "-C", directory.path, CLI.binary.path] + arguments
        let argv = command.map { strdup($0) } + [nil]
        let merged = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, envp)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        return pid
    }

    /// The exit status (128+N for a signal), or nil after `seconds` (the process is then killed).
    static func wait(_ pid: pid_t, seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        var status: Int32 = 0
        while Date() < deadline {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid {
                return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            }
            usleep(50_000)
        }
        kill(pid, SIGKILL)
        _ = waitpid(pid, &status, 0)
        return nil
    }
}
