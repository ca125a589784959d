import Foundation
import Testing

/// The project supervisor with real containers: DNS names, healthchecks, restart policies,
/// published ports, surviving its own crash, and leaving nothing after `down`.
@Suite(.serialized) struct SupervisorTests {
    @Test func namesResolveByServiceContainerAndAliasAndFollowHealthAndStops() throws {
        let sandbox = try SupervisorSandbox()
        let p = sandbox.project
        try sandbox.writeStack(
            """
              web:
                image: busybox
                init: true
                stop_grace_period: 1s
                command: ["httpd", "-f", "-p", "80", "-h", "/etc"]
                networks:
                  default:
                    aliases: [webalias]
              client:
                image: busybox
                init: true
                stop_grace_period: 1s
                command: ["sleep", "600"]
              api:
                image: busybox
                init: true
                stop_grace_period: 1s
                scale: 2
                command: ["sleep", "600"]
                healthcheck:
                  test: ["CMD", "test", "-e", "/healthy"]
                  interval: 200ms
                  retries: 1
            """)
        let up = try sandbox.run(["up", "-d"])
        try #require(up.status == 0, "\(up.stderr)")
        let client = "\(p)-client-1"

        var web: [String] = []
        #expect(
            try SupervisorSandbox.eventually(5) {
                web = try sandbox.lookup("web", from: client)
                return web.count == 1
            }, "the service name resolves through the project's DNS server")
        #expect(try sandbox.lookup("\(p)-web-1", from: client) == web, "container name")
        #expect(try sandbox.lookup("webalias", from: client) == web, "alias")
        #expect(try sandbox.lookup("web.\(p)", from: client) == web, "SERVICE.PROJECT")
        let resolv = try sandbox.run(["exec", client, "cat", "/etc/resolv.conf"]).stdout
        #expect(
            resolv.contains("search \(p)") && resolv.contains("nameserver 10.121.\(sandbox.subnetOctet).1"), "\(resolv)"
        )
        let page = try sandbox.run(["exec", client, "wget", "-q", "-O", "-", "http://webalias/group"])
        #expect(page.stdout.contains("root:x:0:"), "\(page.stdout)\(page.stderr)")

        // Neither replica is healthy yet: both are answered. Then only the healthy one.
        let first = try sandbox.lookup("\(p)-api-1", from: client)
        let second = try sandbox.lookup("\(p)-api-2", from: client)
        #expect(first.count == 1 && second.count == 1)
        #expect(Set(try sandbox.lookup("api", from: client)) == Set(first + second))
        #expect(try sandbox.run(["exec", "\(p)-api-1", "touch", "/healthy"]).status == 0)
        #expect(try SupervisorSandbox.eventually(5) { try sandbox.lookup("api", from: client) == first })
        for _ in 0..<3 {
            #expect(try sandbox.lookup("api", from: client) == first, "the unhealthy replica is never answered")
        }
        let health = try String(contentsOfFile: sandbox.supervisorDirectory + "/health.json", encoding: .utf8)
        #expect(health.contains("healthy"), "\(health)")
        let ps = try sandbox.run(["ps", "api"]).stdout.split(separator: "\n")
        #expect(ps.contains { $0.hasPrefix("\(p)-api-1 ") && $0.contains("(healthy)") }, "\(ps)")
        #expect(ps.contains { $0.hasPrefix("\(p)-api-2 ") && $0.contains("(unhealthy)") }, "\(ps)")
        #expect(!ps.contains { $0.contains("\(p)-web-1") }, "only the services asked for")

        // A stopped container's names disappear (and restart: no leaves it stopped).
        #expect(try sandbox.run(["stop", "\(p)-web-1"]).status == 0)
        #expect(try SupervisorSandbox.eventually(2) { try sandbox.lookup("web", from: client).isEmpty })
        #expect(try sandbox.lookup("\(p)-web-1", from: client).isEmpty)
        #expect(try sandbox.lookup("webalias", from: client).isEmpty)
    }

    @Test func namesAreAnsweredOnlyOnTheAskersNetwork() throws {
        let sandbox = try SupervisorSandbox()
        let p = sandbox.project
        try sandbox.writeStack(
            """
              front:
                image: busybox
                init: true
                stop_grace_period: 1s
                command: ["sleep", "600"]
              back:
                image: busybox
                init: true
                stop_grace_period: 1s
                command: ["sleep", "600"]
                networks: [inner]
            """,
            networks: """
                  inner:
                    ipam:
                      config: [{subnet: 10.121.\(sandbox.secondSubnetOctet).0/24}]
                """)
        try #require(try sandbox.run(["up", "-d"]).status == 0)
        let front = "\(p)-front-1"
        let back = "\(p)-back-1"
        #expect(try SupervisorSandbox.eventually(5) { try sandbox.lookup("back", from: back).count == 1 })
        #expect(try sandbox.lookup("front", from: front).count == 1)
        #expect(try sandbox.lookup("back", from: front).isEmpty, "back is not on front's network")
        #expect(try sandbox.lookup("front", from: back).isEmpty, "front is not on back's network")
        // Asking the other network's server directly (the host owns its gateway) gets nothing either.
        let direct = try sandbox.run(
            ["exec", front, "nslookup", "-timeout=1", "-retry=1", "back", "10.121.\(sandbox.secondSubnetOctet).1"])
        #expect(!direct.stdout.contains("10.121.\(sandbox.secondSubnetOctet).2"), "\(direct.stdout)")
    }

    @Test func nameChangesAreVisibleWithinATick() throws {
        let sandbox = try SupervisorSandbox()
        let p = sandbox.project
        try sandbox.writeStack(
            """
              web:
                image: busybox
                init: true
                stop_grace_period: 1s
                command: ["sleep", "600"]
            """)
        try #require(try sandbox.run(["up", "-d"]).status == 0)
        let server = "10.121.\(sandbox.subnetOctet).1"
        #expect(SupervisorSandbox.eventually(5) { SupervisorDNSProbe.answers("web", server: server) == 1 })
        // The stop returns once the exit is recorded; from then on the name goes within a tick.
        #expect(try sandbox.run(["stop", "\(p)-web-1"]).status == 0)
        let stopped = Date()
        var gone: TimeInterval?
        while Date().timeIntervalSince(stopped) < 2 {
            if SupervisorDNSProbe.answers("web", server: server) == 0 {
                gone = Date().timeIntervalSince(stopped)
                break
            }
            usleep(2_000)
        }
        let took = try #require(gone, "the name never disappeared")
        // 100 ms tick, plus slack for a loaded machine running tests in parallel.
        #expect(took < 0.3, "the name disappeared after \(took) s")
        #expect(SupervisorDNSProbe.answers("\(p)-web-1", server: server) == 0)
    }

    @Test func killedAlwaysContainerIsBackWithinASecondAndOnFailureThreeGivesUp() throws {
        let sandbox = try SupervisorSandbox()
        let p = sandbox.project
        try sandbox.writeStack(
            """
              daemon:
                image: busybox
                init: true
                stop_grace_period: 1s
                restart: always
                command: ["sleep", "600"]
              flaky:
                image: busybox
                restart: on-failure:3
                command: ["sh", "-c", "echo run; exit 3"]
            """)
        let up = try sandbox.run(["up", "-d"])
        try #require(up.status == 0, "\(up.stderr)")
        let daemon = "\(p)-daemon-1"
        let before = try #require(try sandbox.pid(of: daemon))
        #expect(kill(before, SIGKILL) == 0)
        let killedAt = Date()
        var after: Int32?
        let back = try SupervisorSandbox.eventually(3) {
            after = try sandbox.pid(of: daemon)
            return after != nil && after != before && SupervisorSandbox.processExists(after!)
        }
        let took = Date().timeIntervalSince(killedAt)
        #expect(back, "the always container is running again")
        #expect(took < 1.0, "restarted after \(took) s")
        // `swiftstack stop` records the intent: the policy does not bring it back.
        #expect(try sandbox.run(["stop", daemon]).status == 0)

        // The first run and three restarts, then it stays exited.
        let runs = { try sandbox.run(["logs", "\(p)-flaky-1"]).stdout.components(separatedBy: "run").count - 1 }
        #expect(try SupervisorSandbox.eventually(10) { try runs() == 4 })
        usleep(2_000_000)
        #expect(try runs() == 4, "on-failure:3 gave up after three restarts")
        // The back-off grows: 0.1 s, 0.2 s, 0.4 s between an exit and the next start.
        let restarts = try Data(contentsOf: URL(fileURLWithPath: sandbox.supervisorDirectory + "/restarts.json"))
        let records = try JSONSerialization.jsonObject(with: restarts) as? [String: [String: Any]]
        let times = ((records?["\(p)-flaky-1"]?["restarts"] as? [String]) ?? []).compactMap {
            try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse($0)
        }
        #expect(times.count == 3, "\(String(decoding: restarts, as: UTF8.self))")
        if times.count == 3 {
            let gaps = zip(times.dropFirst(), times).map { $0.timeIntervalSince($1) }
            #expect(gaps[1] > gaps[0] + 0.1, "the back-off doubles: \(gaps)")
        }
        let serviceLogs = try sandbox.run(["logs", "flaky"]).stdout
        #expect(
            serviceLogs.components(separatedBy: "\(p)-flaky-1 | run").count - 1 == 4, "logs by service: \(serviceLogs)")
        let ps = try sandbox.run(["ps", "-a"]).stdout
        #expect(ps.split(separator: "\n").contains { $0.contains("\(p)-flaky-1") && $0.contains("Exited") }, "\(ps)")
        #expect(ps.split(separator: "\n").contains { $0.contains(daemon) && $0.contains("Exited") }, "\(ps)")
    }

    @Test func publishedPortAnswersOnLoopbackAndATakenPortFailsUpCleanly() throws {
        let sandbox = try SupervisorSandbox()
        let p = sandbox.project
        try sandbox.directory.write("www/index.html", "hello through \(p)\n")
        let port = try Self.freePort()
        try sandbox.writeStack(
            """
              web:
                image: busybox
                init: true
                stop_grace_period: 1s
                command: ["httpd", "-f", "-p", "80", "-h", "/www"]
                volumes: ["./www:/www:ro"]
                ports: ["\(port):80"]
            """)
        let up = try sandbox.run(["up", "-d", "--wait"])
        try #require(up.status == 0, "\(up.stderr)")
        var body = ""
        #expect(
            SupervisorSandbox.eventually(5) {
                body = HostProbe.httpGet("127.0.0.1", port: port)
                return body.contains("hello through \(p)")
            }, "\(body)")
        let ps = try sandbox.run(["ps"]).stdout
        #expect(ps.contains("0.0.0.0:\(port)->80/tcp"), "\(ps)")
        // No host address: every address of the host (as Compose), here its own default-route one.
        let hostAddress = try #require(HostProbe.nonLoopbackAddress())
        #expect(HostProbe.httpGet(hostAddress, port: port).contains("hello through \(p)"), "via \(hostAddress)")
        #expect(try sandbox.run(["up", "-d"]).status == 0, "a second up keeps the port the supervisor holds")
        #expect(HostProbe.httpGet("127.0.0.1", port: port).contains("hello through \(p)"))
        #expect(try sandbox.run(["down"]).status == 0)

        // A port someone else holds: a clear error naming it, and nothing created.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        let taken = try Self.bindLoopback(listener, port: 0)
        listen(listener, 1)
        try sandbox.writeStack(
            """
              web:
                image: busybox
                command: ["httpd", "-f", "-p", "80"]
                ports: ["\(taken):80"]
            """)
        let refused = try sandbox.run(["up", "-d"])
        #expect(refused.status == 1)
        #expect(
            refused.stderr.contains(":\(taken)/tcp") && refused.stderr.contains("already in use"),
            "\(refused.stderr)")
        let containers = (try? FileManager.default.contentsOfDirectory(atPath: sandbox.stateRoot + "/containers")) ?? []
        #expect(containers.isEmpty, "nothing half-created: \(containers)")
        let networks = (try? FileManager.default.contentsOfDirectory(atPath: sandbox.stateRoot + "/networks")) ?? []
        #expect(networks.isEmpty, "\(networks)")
    }

    @Test func containersOutliveAKilledSupervisorAndTheNextUpReadoptsThemAndDownLeavesNothing() throws {
        let sandbox = try SupervisorSandbox()
        let p = sandbox.project
        try sandbox.writeStack(
            """
              web:
                image: busybox
                init: true
                stop_grace_period: 1s
                restart: always
                command: ["httpd", "-f", "-p", "80"]
              client:
                image: busybox
                init: true
                stop_grace_period: 1s
                command: ["sleep", "600"]
            """)
        try #require(try sandbox.run(["up", "-d"]).status == 0)
        let client = "\(p)-client-1"
        #expect(try SupervisorSandbox.eventually(5) { try sandbox.lookup("web", from: client).count == 1 })
        let first = try #require(sandbox.supervisorPid)
        let web = try #require(try sandbox.pid(of: "\(p)-web-1"))
        #expect(kill(first, SIGKILL) == 0)
        #expect(SupervisorSandbox.eventually(3) { !SupervisorSandbox.processExists(first) })
        usleep(300_000)
        #expect(SupervisorSandbox.processExists(web), "containers keep running without their supervisor")
        #expect(try sandbox.lookup("web", from: client).isEmpty, "nobody answers DNS meanwhile")

        // `ps` notices and starts a new supervisor, which re-adopts the containers.
        let ps = try sandbox.run(["ps"])
        #expect(ps.stdout.contains("\(p)-web-1"), "\(ps.stdout)\(ps.stderr)")
        let second = try #require(sandbox.supervisorPid)
        #expect(second != first && SupervisorSandbox.processExists(second))
        #expect(
            try SupervisorSandbox.eventually(5) { try sandbox.lookup("web", from: client).count == 1 }, "DNS is back")
        let again = try sandbox.run(["up", "-d"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!again.stderr.contains("recreate"), "\(again.stderr)")
        #expect(sandbox.supervisorPid == second, "up reuses the running supervisor")
        #expect(try sandbox.pid(of: "\(p)-web-1") == web, "the same container, adopted")
        // The new supervisor applies the policy too.
        #expect(kill(web, SIGKILL) == 0)
        #expect(
            try SupervisorSandbox.eventually(3) {
                let now = try sandbox.pid(of: "\(p)-web-1")
                return now != nil && now != web && SupervisorSandbox.processExists(now!)
            })

        let down = try sandbox.run(["down", "-v"])
        #expect(down.status == 0, "\(down.stderr)")
        #expect(!SupervisorSandbox.processExists(second), "down stops the supervisor")
        #expect(!FileManager.default.fileExists(atPath: sandbox.supervisorDirectory))
        #expect(!FileManager.default.fileExists(atPath: "\(sandbox.stateRoot)/projects/\(p)"), "project.json goes too")
        let containers = (try? FileManager.default.contentsOfDirectory(atPath: sandbox.stateRoot + "/containers")) ?? []
        #expect(containers.isEmpty)
        let netns = (try? FileManager.default.contentsOfDirectory(atPath: sandbox.runDirectory + "/netns")) ?? []
        #expect(netns.isEmpty)
        let mounts = try String(contentsOfFile: "/proc/mounts", encoding: .utf8)
        #expect(!mounts.contains(sandbox.directory.url.path))
        let processes = try FileManager.default.contentsOfDirectory(atPath: "/proc").compactMap(Int32.init)
        let leftovers = processes.filter { pid in
            let command = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
            return command.contains(sandbox.directory.url.path) || command.contains("supervise\0-p\0\(p)\0")
        }
        #expect(leftovers.isEmpty, "no process of the project is left: \(leftovers)")
    }

    // MARK: Helpers

    static func bindLoopback(_ fd: Int32, port: UInt16) throws -> Int {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr = in_addr(s_addr: UInt32(0x7F00_0001).bigEndian)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A port free on 127.0.0.1 right now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        return try bindLoopback(fd, port: 0)
    }
}
