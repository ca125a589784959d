import Foundation
import Network
import Testing

/// `reconcile` repairs drift made with other tools within its resync period: a `restart: no`
/// daemon killed from outside, a network's bridge deleted (`ip link del`), a volume's directory removed; and it
/// leaves alone what was stopped on purpose or what a restart policy gave up on.
@Suite(.serialized) struct ReconcileDriftTests {
    /// A reconcile of `sandbox` in the background, killed when the test ends.
    final class Reconciling {
        let pid: pid_t
        let log: String

        init(_ sandbox: StackSandbox, resync: Int) throws {
            log = sandbox.directory.url.appendingPathComponent("reconcile.log").path
            pid = try CLI.start(
                ["reconcile", "--resync", "\(resync)"], in: sandbox.directory.url, environment: sandbox.environment,
                output: log)
        }

        deinit {
            kill(pid, SIGKILL)
            _ = CLI.finish(pid, within: 5)
        }

        var text: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
    }

    /// Runs a tool that is not swiftstack (the "behind its back" of drift); its exit status.
    static func anotherTool(_ path: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Whether `container` runs a live process other than `previous`.
    func runsAgain(_ sandbox: SupervisorSandbox, _ container: String, other previous: Int32) -> Bool {
        guard let pid = try? sandbox.pid(of: container), pid > 0, pid != previous else { return false }
        return SupervisorSandbox.processExists(pid)
    }

    @Test func aRestartNoDaemonKilledFromOutsideIsStartedAgainButNotOneStoppedOnPurposeNorAGivenUpPolicy() throws {
        let sandbox = try SupervisorSandbox()
        let project = sandbox.project
        try sandbox.writeStack(
            """
              web:
                image: busybox
                init: true
                restart: "no"
                stop_grace_period: 1s
                command: ["sleep", "600"]
              flaky:
                image: busybox
                restart: on-failure:1
                command: ["sh", "-c", "sleep 0.5; exit 3"]
              migrate:
                image: busybox
                restart: "no"
                command: ["true"]
            """)
        let resync = 3
        let reconcile = try Reconciling(sandbox, resync: resync)
        let web = "\(project)-web-1"
        #expect(eventually(20) { reconcile.text.contains("start \(web): created") }, "\(reconcile.text)")
        #expect(eventually(5) { ((try? sandbox.pid(of: web)) ?? 0) > 0 })

        // Killed from outside (SIGTERM, then SIGKILL): no policy brings it back, the reconciler does.
        for signal in [SIGTERM, SIGKILL] {
            let pid = try #require(try sandbox.pid(of: web))
            #expect(kill(pid, signal) == 0)
            #expect(
                eventually(Double(resync) + 2) { runsAgain(sandbox, web, other: pid) },
                "signal \(signal): \(reconcile.text)")
        }
        #expect(reconcile.text.contains("start \(web): exited (code 143) behind our back"), "\(reconcile.text)")
        #expect(reconcile.text.contains("start \(web): exited (code 137) behind our back"), "\(reconcile.text)")

        // The policy that gave up is reported once and left alone; the finished job stays finished.
        let gaveUp = "\(project)-flaky-1 exited (code 3); its restart policy (on-failure) leaves it stopped"
        #expect(eventually(10) { reconcile.text.contains(gaveUp) }, "\(reconcile.text)")

        // `swiftstack stop` records a stop intent: it stays stopped through drift checks and resyncs.
        #expect(try sandbox.run(["stop", web]).status == 0)
        sleep(UInt32(2 * resync + 1))
        #expect(try sandbox.pid(of: web).map { $0 > 0 && SupervisorSandbox.processExists($0) } != true)
        let text = reconcile.text
        #expect(text.components(separatedBy: "action: > start \(web)").count == 4, "\(text)")
        #expect(text.components(separatedBy: gaveUp).count == 2, "\(text)")
        #expect(!text.contains("start \(project)-flaky-1: exited"), "\(text)")
        #expect(!text.contains("start \(project)-migrate-1: exited"), "\(text)")
        #expect(try sandbox.run(["inspect", "\(project)-flaky-1"]).stdout.contains("exited"))
        #expect(try sandbox.run(["inspect", "\(project)-migrate-1"]).stdout.contains("exited"))
    }

    @Test func aDeletedBridgeAndARemovedVolumeDirectoryAreRepairedAndNamesWorkAgain() throws {
        let sandbox = try SupervisorSandbox()
        let project = sandbox.project
        try sandbox.writeStack(
            """
              web:
                image: busybox
                init: true
                stop_grace_period: 1s
                command: ["sh", "-c", "echo hello > /index.html && exec httpd -f -p 80 -h /"]
              client:
                image: busybox
                init: true
                stop_grace_period: 1s
                command: ["sleep", "600"]
                volumes: ["data:/data"]
            """,
            networks: "volumes:\n  data: {}\n")
        let resync = 3
        let reconcile = try Reconciling(sandbox, resync: resync)
        let client = "\(project)-client-1"
        #expect(eventually(20) { reconcile.text.contains("start \(client): created") }, "\(reconcile.text)")
        // Given up after 2 s: a request into a deleted bridge would hang.
        let reaches = {
            let fetch = "wget -q -O - http://web/ & p=$!; (sleep 2; kill $p 2>/dev/null) & wait $p"
            return (try? sandbox.run(["exec", client, "sh", "-c", fetch]).stdout)?.contains("hello") == true
        }
        #expect(eventually(10, reaches))

        // The bridge deleted with another tool: recreated, the containers with it, names work again.
        let bridge = LinkNames.bridge(network: "\(project)_default")
        #expect(try Self.anotherTool("/sbin/ip", ["link", "del", bridge]) == 0)
        #expect(
            eventually(Double(resync) + 10) { FileManager.default.fileExists(atPath: "/sys/class/net/\(bridge)") })
        #expect(eventually(Double(resync) + 10, reaches), "\(reconcile.text)")
        #expect(
            reconcile.text.contains("create network \(project)_default: its bridge was deleted behind our back"),
            "\(reconcile.text)")
        #expect(reconcile.text.contains("network \(project)_default was missing and is created again"))

        // A volume's directory removed: made again, and its container with it.
        let data = "\(sandbox.stateRoot)/volumes/\(project)_data/_data"
        #expect(FileManager.default.fileExists(atPath: data))
        try FileManager.default.removeItem(atPath: data)
        #expect(eventually(Double(resync) + 5) { FileManager.default.fileExists(atPath: data) }, "\(reconcile.text)")
        #expect(
            eventually(5) { reconcile.text.contains("volume \(project)_data was removed and is created again") },
            "\(reconcile.text)")
        #expect(eventually(10) { (try? sandbox.run(["exec", client, "touch", "/data/ok"]).status) == 0 })
        #expect(eventually(5) { FileManager.default.fileExists(atPath: data + "/ok") })

        // The volume removed with its record: missing, made again, its container with it.
        try FileManager.default.removeItem(atPath: "\(sandbox.stateRoot)/volumes/\(project)_data")
        #expect(eventually(Double(resync) + 5) { FileManager.default.fileExists(atPath: data) }, "\(reconcile.text)")
        #expect(
            eventually(5) { reconcile.text.contains("create volume \(project)_data: missing") }, "\(reconcile.text)")
        #expect(eventually(10) { (try? sandbox.run(["exec", client, "touch", "/data/again"]).status) == 0 })
        #expect(eventually(5) { FileManager.default.fileExists(atPath: data + "/again") })
    }
}
