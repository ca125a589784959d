import Foundation
import Testing

/// Rolling updates of a running stack under `reconcile`: three httpd replicas serving a
/// version file, a client asking the service by name in a loop.
@Suite(.serialized) struct RollingUpdateTests {
    func writeStack(
        _ sandbox: StackSandbox, version: String, port: Int = 80,
        update: String = "{parallelism: 1, order: start-first, monitor: 1s, failure_action: rollback}",
        serve: String? = nil
    ) throws {
        let serve = serve ?? "exec httpd -f -p \(port) -h /www"
        try sandbox.directory.write(
            "compose.yaml",
            """
            name: \(sandbox.project)
            services:
              web:
                image: busybox
                init: true
                stop_grace_period: 1s
                environment:
                  VERSION: \(version)
                tmpfs: [/www]
                volumes: ["shared:/shared"]
                command: ["sh", "-c", "echo $$VERSION > /www/version; \(serve)"]
                healthcheck:
                  test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1/version"]
                  interval: 300ms
                  timeout: 2s
                  retries: 2
                deploy:
                  replicas: 3
                  update_config: \(update)
              client:
                image: busybox
                init: true
                stop_grace_period: 1s
                volumes: ["./out:/out"]
                command:
                  - sh
                  - -c
                  - |
                    while true; do
                      if v=$$(busybox timeout 3 busybox wget -q -O - http://web/version); then
                        echo "ok $$v" >> /out/log
                      else
                        echo FAIL >> /out/log
                      fi
                      sleep 0.1
                    done
            networks:
              default:
                ipam:
                  config: [{subnet: 10.121.\(sandbox.subnetOctet).0/24}]
            volumes:
              shared: {}
            """)
    }

    @Test func startFirstUpdateLosesNoRequestAndABrokenVersionIsRolledBack() throws {
        let sandbox = try StackSandbox(projectPrefix: "roll")
        try FileManager.default.createDirectory(
            at: sandbox.directory.url.appendingPathComponent("out"), withIntermediateDirectories: true)
        try writeStack(sandbox, version: "v1")
        let log = sandbox.directory.url.appendingPathComponent("reconcile.log").path
        let pid = try CLI.start(
            ["reconcile", "--resync", "30"], in: sandbox.directory.url, environment: sandbox.environment, output: log)
        var stopped = false
        defer {
            if !stopped {
                kill(pid, SIGKILL)
                _ = CLI.finish(pid, within: 5)
            }
        }
        let text = { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        let clientLog = sandbox.directory.url.appendingPathComponent("out/log").path
        let requests = { ((try? String(contentsOfFile: clientLog, encoding: .utf8)) ?? "").split(separator: "\n") }
        // Every replica healthy and the client served before the update begins.
        #expect(
            eventually(30) {
                let lines = requests()
                return lines.count >= 10 && lines.suffix(10).allSatisfy { $0 == "ok v1" }
            }, "\(requests().suffix(5)) \(text())")
        #expect(eventually(10) { healthyReplicas(sandbox) == 3 }, "\(psText(sandbox))")

        // v2, start-first: every request served, by v1 and then v2.
        let before = requests().count
        try writeStack(sandbox, version: "v2")
        #expect(eventually(40) { text().contains("~ roll out web (3 replicas") }, "\(text())")
        #expect(eventually(5) { requests().suffix(5).allSatisfy { $0 == "ok v2" } }, "\(requests().suffix(5))")
        let during = requests().dropFirst(before)
        #expect(!during.contains("FAIL"), "failed requests during the update: \(during.filter { $0 == "FAIL" }.count)")
        #expect(during.contains("ok v1") && during.contains("ok v2"))
        let replicas = webReplicas(sandbox)
        #expect(replicas.count == 3, "\(replicas)")
        #expect(text().contains("started \(sandbox.project)-web-4 to replace \(sandbox.project)-web-1"), "\(text())")

        // v3 listens on the wrong port: its first replica never turns healthy and the update is
        // rolled back; the v2 replicas never stop serving.
        let beforeBroken = requests().count
        try writeStack(sandbox, version: "v3", port: 81)
        #expect(eventually(40) { text().contains("rolled back") }, "\(text())")
        #expect(webReplicas(sandbox) == replicas, "\(psText(sandbox))")
        usleep(1_000_000)
        let broken = requests().dropFirst(beforeBroken)
        #expect(!broken.isEmpty && broken.allSatisfy { $0 == "ok v2" }, "\(Set(broken))")
        // Held back: no new attempt until the file changes.
        #expect(text().contains("service web is held back"), "\(text())")
        usleep(2_500_000)
        #expect(text().components(separatedBy: "rolling back service web").count == 2, "\(text())")

        // v4's first replica serves, its second does not: the first is replaced back by the v2
        // replica the update kept stopped, which starts again.
        let beforeSecond = requests().count
        try writeStack(
            sandbox, version: "v4",
            serve:
                "if test -e /shared/first; then exec httpd -f -p 81 -h /www; else touch /shared/first; exec httpd -f -p 80 -h /www; fi"
        )
        #expect(eventually(40) { text().components(separatedBy: "rolling back service web").count == 3 }, "\(text())")
        #expect(eventually(15) { text().contains("rollback: restarted") }, "\(text())")
        #expect(eventually(5) { webReplicas(sandbox) == replicas }, "\(psText(sandbox))")
        #expect(eventually(10) { healthyReplicas(sandbox) == 3 }, "\(psText(sandbox))")
        usleep(1_000_000)
        let second = requests().dropFirst(beforeSecond)
        #expect(!second.contains("FAIL"), "failed requests: \(second.filter { $0 == "FAIL" }.count)")
        #expect(second.suffix(5).allSatisfy { $0 == "ok v2" }, "\(second.suffix(5))")

        kill(pid, SIGTERM)
        #expect(CLI.finish(pid, within: 15) == 0)
        stopped = true
        #expect(try sandbox.run(["down", "-v"]).status == 0)
        try sandbox.expectNothingLeft()
    }

    @Test func upRollsOutStopFirstInBatchesAndAFailedUpdatePausesAndExits1() throws {
        let sandbox = try StackSandbox(projectPrefix: "rollup")
        try FileManager.default.createDirectory(
            at: sandbox.directory.url.appendingPathComponent("out"), withIntermediateDirectories: true)
        let update = "{parallelism: 2, order: stop-first, monitor: 500ms, failure_action: pause}"
        try writeStack(sandbox, version: "v1", update: update)
        #expect(try sandbox.run(["up", "-d", "--wait"]).status == 0)
        let version = { (replica: Int) in
            try? sandbox.run(["exec", "\(sandbox.project)-web-\(replica)", "cat", "/www/version"]).stdout
        }

        try writeStack(sandbox, version: "v2", update: update)
        let updated = try sandbox.run(["up", "-d"])
        #expect(updated.status == 0, "\(updated.stderr)")
        #expect(updated.stderr.contains("roll out web (3 replicas, 2 at a time, stop-first"), "\(updated.stderr)")
        #expect(webReplicas(sandbox) == Set((1...3).map { "\(sandbox.project)-web-\($0)" }))
        for replica in 1...3 { #expect(version(replica) == "v2\n") }

        // A version that never turns healthy: the first batch fails, the update pauses there.
        try writeStack(sandbox, version: "v3", port: 81, update: update)
        let broken = try sandbox.run(["up", "-d"])
        #expect(broken.status == 1)
        #expect(
            broken.stderr.contains("rolling update of service web paused: 2 of 3 new replicas failed"),
            "\(broken.stderr)")
        #expect(version(3) == "v2\n", "the second batch never started")
        #expect(version(1) == "v3\n")

        #expect(try sandbox.run(["down", "-v"]).status == 0)
        try sandbox.expectNothingLeft()
    }

    private func psText(_ sandbox: StackSandbox) -> String {
        (try? sandbox.run(["ps", "--format", "json"]).stdout) ?? ""
    }

    /// `ps --format json` rows of the web service.
    private func webRows(_ sandbox: StackSandbox) -> [[String: Any]] {
        psText(sandbox).split(separator: "\n").compactMap { line in
            let row = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            return row?["Service"] as? String == "web" ? row : nil
        }
    }

    /// Names of the running web replicas.
    private func webReplicas(_ sandbox: StackSandbox) -> Set<String> {
        Set(webRows(sandbox).compactMap { $0["State"] as? String == "running" ? $0["Name"] as? String : nil })
    }

    private func healthyReplicas(_ sandbox: StackSandbox) -> Int {
        webRows(sandbox).filter { $0["Health"] as? String == "healthy" }.count
    }
}
