import Foundation
import Network
import Testing

/// The names a network answers: one responder per network that follows containers starting and
/// stopping at once, and answers for stack and standalone containers alike on a shared network.
@Suite struct NameServerTests {
    typealias Sandbox = NetworkCommandTests.NetworkSandbox

    /// Milliseconds until `condition` holds, polling every millisecond; nil after `limit` ms.
    static func millisecondsUntil(limit: Double = 3000, _ condition: () -> Bool) -> Double? {
        let start = DispatchTime.now().uptimeNanoseconds
        while true {
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            if condition() { return elapsed }
            if elapsed > limit { return nil }
            usleep(1000)
        }
    }

    @Test func aNameResolvesAndDisappearsWithin100MillisecondsOfStartAndStop() throws {
        let sandbox = try Sandbox()
        let network = sandbox.name("dns")
        let subnet = try sandbox.createNetwork(network)
        let gateway = "\(IPv4Address(subnet.network.value + 1))"
        let first = "a\(sandbox.id)"
        let second = "b\(sandbox.id)"
        try #require(
            try sandbox.run(["run", "-d", "--name", first, "--network", network, "busybox", "sleep", "600"]).status == 0
        )
        // The network's name server starts with its first container.
        #expect(eventually(5) { SupervisorDNSProbe.answers(first, server: gateway, timeoutMilliseconds: 50) == 1 })

        let started = try sandbox.run(["run", "-d", "--name", second, "--network", network, "busybox", "sleep", "600"])
        let appeared = Self.millisecondsUntil {
            SupervisorDNSProbe.answers(second, server: gateway, timeoutMilliseconds: 50) == 1
        }
        #expect(started.status == 0, "\(started.stderr)")
        let shown = appeared.map { "\($0) ms" } ?? "never"
        #expect((appeared ?? .infinity) < 100, "a started container's name resolved after \(shown)")

        let stopped = try sandbox.run(["stop", "-t", "0", second])
        let gone = Self.millisecondsUntil {
            SupervisorDNSProbe.answers(second, server: gateway, timeoutMilliseconds: 50) == 0
        }
        #expect(stopped.status == 0, "\(stopped.stderr)")
        let shownGone = gone.map { "\($0) ms" } ?? "never"
        #expect((gone ?? .infinity) < 100, "a stopped container's name went after \(shownGone)")
        #expect(SupervisorDNSProbe.answers(first, server: gateway) == 1, "the other name stays")
    }

    @Test func stackAndStandaloneContainersOnAnExternalNetworkResolveEachOther() throws {
        let sandbox = try Sandbox()
        let shared = sandbox.name("shr")
        let subnet = try sandbox.createNetwork(shared)
        let gateway = "\(IPv4Address(subnet.network.value + 1))"
        let project = sandbox.stack.project
        try sandbox.stack.directory.write(
            "compose.yaml",
            """
            name: \(project)
            services:
              api:
                image: busybox
                init: true
                stop_grace_period: 1s
                command: ["sleep", "600"]
                networks:
                  shared:
                    aliases: [backend]
            networks:
              shared:
                external: true
                name: \(shared)
            """)
        let standalone = "s\(sandbox.id)"
        // The standalone container first: its network's name server is up before the stack.
        try #require(
            try sandbox.run(["run", "-d", "--name", standalone, "--network", shared, "busybox", "sleep", "600"])
                .status == 0)
        let up = try sandbox.run(["up", "-d"])
        try #require(up.status == 0, "\(up.stderr)")
        defer { _ = try? sandbox.run(["down", "-t", "1"]) }
        let stackContainer = "\(project)-api-1"

        // One responder on the gateway answers every kind of name on the network.
        for name in [standalone, stackContainer, "api", "backend", "api.\(project)"] {
            #expect(
                eventually(5) { SupervisorDNSProbe.answers(name, server: gateway, timeoutMilliseconds: 100) == 1 },
                "\(name) is not answered on \(gateway)")
        }
        // And the containers resolve each other through their own resolv.conf.
        let subnetPrefix: String = "\(subnet)".split(separator: ".").prefix(3).joined(separator: ".") + "."
        let pairs: [(String, String)] = [
            (stackContainer, standalone), (standalone, "api"), (standalone, stackContainer),
        ]
        for (asker, name) in pairs {
            let lookup = try sandbox.run(["exec", asker, "busybox", "nslookup", name])
            let answered = lookup.status == 0 && lookup.stdout.contains(subnetPrefix)
            #expect(answered, "\(asker) → \(name): \(lookup.stdout)\(lookup.stderr)")
        }
        #expect(try sandbox.run(["down", "-t", "1"]).status == 0)
        #expect(
            eventually(3) { SupervisorDNSProbe.answers("api", server: gateway, timeoutMilliseconds: 100) == 0 },
            "the stack's names outlive it")
        #expect(SupervisorDNSProbe.answers(standalone, server: gateway) == 1)
    }

    @Test func aStackNameFollowsStopAndStartWithin100Milliseconds() throws {
        let sandbox = try SupervisorSandbox()
        let gateway = "10.121.\(sandbox.subnetOctet).1"
        try sandbox.writeStack(
            """
              api:
                image: busybox
                init: true
                stop_grace_period: 1s
                command: ["sleep", "600"]
            """)
        try #require(try sandbox.run(["up", "-d"]).status == 0)
        #expect(eventually(5) { SupervisorDNSProbe.answers("api", server: gateway, timeoutMilliseconds: 50) == 1 })

        let stopped = try sandbox.run(["stop", "api"])
        let gone = Self.millisecondsUntil {
            SupervisorDNSProbe.answers("api", server: gateway, timeoutMilliseconds: 50) == 0
        }
        #expect(stopped.status == 0, "\(stopped.stderr)")
        #expect((gone ?? .infinity) < 100, "a stopped service's name went after \(gone.map { "\($0) ms" } ?? "never")")

        let started = try sandbox.run(["start", "api"])
        let back = Self.millisecondsUntil {
            SupervisorDNSProbe.answers("api", server: gateway, timeoutMilliseconds: 50) == 1
        }
        #expect(started.status == 0, "\(started.stderr)")
        #expect((back ?? .infinity) < 100, "a started service's name came after \(back.map { "\($0) ms" } ?? "never")")
        #expect(try sandbox.run(["down", "-t", "1"]).status == 0)
    }

    @Test func theNameServerGivesARemovedContainersAddressBack() throws {
        let sandbox = try Sandbox()
        let network = sandbox.name("rm")
        try sandbox.createNetwork(network)
        let ipam = sandbox.stack.stateRoot + "/ipam/ipam.json"
        func allocated() -> [String] {
            let data = FileManager.default.contents(atPath: ipam) ?? Data()
            let state = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            let networks = state?["networks"] as? [String: [String: Any]]
            return ((networks?[network]?["addresses"] as? [String: String]) ?? [:]).keys.sorted()
        }
        let keeper = "k\(sandbox.id)"
        try #require(
            try sandbox.run(["run", "-d", "--name", keeper, "--network", network, "busybox", "sleep", "600"]).status
                == 0)
        // `run --rm` leaves its release to the network's name server, off the command's path.
        let once = "o\(sandbox.id)"
        let ran = try sandbox.run(["run", "--rm", "--name", once, "--network", network, "busybox", "true"])
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(eventually(3) { allocated() == [keeper] }, "allocations left: \(allocated())")
        #expect(try sandbox.run(["rm", "-f", keeper]).status == 0)
        #expect(eventually(3) { allocated().isEmpty }, "allocations left: \(allocated())")
    }

    @Test func aStacksSupervisorAnswersForStandaloneContainersOnItsNetwork() throws {
        let sandbox = try SupervisorSandbox()
        let gateway = "10.121.\(sandbox.subnetOctet).1"
        try sandbox.writeStack(
            """
              api:
                image: busybox
                init: true
                stop_grace_period: 1s
                command: ["sleep", "600"]
            """)
        try #require(try sandbox.run(["up", "-d"]).status == 0)
        defer { _ = try? sandbox.run(["rm", "-f", "solo\(sandbox.project)"]) }
        let solo = "solo\(sandbox.project)"
        let network = "\(sandbox.project)_default"
        let started = try sandbox.run(["run", "-d", "--name", solo, "--network", network, "busybox", "sleep", "600"])
        try #require(started.status == 0, "\(started.stderr)")
        // The supervisor is the network's one responder: it answers the standalone container too,
        // and no second server contends for the gateway.
        #expect(eventually(5) { SupervisorDNSProbe.answers(solo, server: gateway, timeoutMilliseconds: 100) == 1 })
        #expect(SupervisorDNSProbe.answers("api", server: gateway) == 1)
        let lookup = try sandbox.run(["exec", solo, "busybox", "nslookup", "api"])
        #expect(lookup.status == 0, "\(lookup.stdout)\(lookup.stderr)")
        let runDirectory = sandbox.environment["SWIFTSTACK_RUN"]!
        #expect(
            !FileManager.default.fileExists(atPath: "\(runDirectory)/networks/\(network)/dns.pid"),
            "a network name server was started for a stack's own network")
        #expect(try sandbox.run(["rm", "-f", solo]).status == 0)
        #expect(try sandbox.run(["down", "-t", "1"]).status == 0)
    }
}
