import Foundation
import Network
import Synchronization
import Testing

/// `network create/ls/inspect/rm/prune`, `run --network`, `inspect`'s NetworkSettings, network
/// modes and the leftover sweep, driven through the binary on real bridges and containers.
@Suite struct NetworkCommandTests {
    /// A sandbox (own state root, run directory, busybox) that removes what the test made.
    final class NetworkSandbox {
        let stack: StackSandbox
        let id = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        private(set) var subnets: [IPv4Subnet] = []

        init() throws { stack = try StackSandbox() }

        deinit {
            // The runtime's name links: every container of this state root, whatever its project.
            let names = (try? FileManager.default.contentsOfDirectory(atPath: stack.stateRoot + "/names")) ?? []
            if !names.isEmpty { _ = try? stack.run(["rm", "-f"] + names) }
            let listed = (try? stack.run(["network", "ls", "--format", "json"]))?.stdout ?? ""
            for network in listed.split(separator: "\n") {
                let object = try? JSONSerialization.jsonObject(with: Data(network.utf8)) as? [String: Any]
                if let name = object?["Name"] as? String { _ = try? stack.run(["network", "rm", name]) }
            }
            _ = try? stack.run(["network", "prune"])
            for subnet in subnets { FreeSubnets.release(subnet) }
        }

        func run(_ arguments: [String]) throws -> CLI.Result { try stack.run(arguments) }

        /// A network name unique to this test.
        func name(_ suffix: String) -> String { "n\(id)-\(suffix)" }

        /// A /24 in 10.121.128.0/17 that no host route covers and no other test of this process holds.
        func freeSubnet() throws -> IPv4Subnet {
            let subnet = try FreeSubnets.reserve()
            subnets.append(subnet)
            return subnet
        }

        /// `network create` on a fresh subnet; returns the subnet.
        @discardableResult
        func createNetwork(_ name: String, internal isInternal: Bool = false) throws -> IPv4Subnet {
            let subnet = try freeSubnet()
            let flags = isInternal ? ["--internal"] : []
            let created = try run(["network", "create", "--subnet", "\(subnet)"] + flags + [name])
            #expect(created.status == 0, "\(created.stderr)")
            return subnet
        }
    }

    // Timeouts come from busybox's `timeout`: Debian's static busybox 1.35 crashes on `wget -T`.
    static func json(_ text: String) -> Any? { try? JSONSerialization.jsonObject(with: Data(text.utf8)) }

    @Test func createListInspectAndRemoveThroughTheBinary() throws {
        let sandbox = try NetworkSandbox()
        let name = sandbox.name("a")
        let subnet = try sandbox.createNetwork(name)
        let gateway = IPv4Address(subnet.network.value + 1)

        let list = try sandbox.run(["network", "ls"])
        #expect(list.stdout.hasPrefix("NETWORK ID"), "\(list.stdout)")
        #expect(list.stdout.contains(name) && list.stdout.contains("bridge") && list.stdout.contains("\(subnet)"))
        let lines = try sandbox.run(["network", "ls", "--format", "json"]).stdout.split(separator: "\n")
        let entry = lines.compactMap { Self.json(String($0)) as? [String: Any] }.first { $0["Name"] as? String == name }
        #expect(entry?["Driver"] as? String == "bridge" && entry?["Scope"] as? String == "local", "\(lines)")

        let duplicate = try sandbox.run(["network", "create", name])
        #expect(duplicate.status == 1 && duplicate.stderr.contains("already exists"), "\(duplicate.stderr)")
        let overlapping = try sandbox.run(["network", "create", "--subnet", "\(subnet)", sandbox.name("b")])
        #expect(overlapping.status == 1 && overlapping.stderr.contains("overlaps"), "\(overlapping.stderr)")

        let container = "c\(sandbox.id)"
        let started = try sandbox.run(["run", "-d", "--name", container, "--network", name, "busybox", "sleep", "600"])
        #expect(started.status == 0, "\(started.stderr)")

        let inspected = Self.json(try sandbox.run(["network", "inspect", name]).stdout) as? [[String: Any]]
        let network = try #require(inspected?.first)
        let ipam = (network["IPAM"] as? [String: Any])?["Config"] as? [[String: String]]
        #expect(ipam?.first?["Subnet"] == "\(subnet)" && ipam?.first?["Gateway"] == "\(gateway)")
        #expect(network["Internal"] as? Bool == false)
        let members = (network["Containers"] as? [String: [String: Any]])?.values.map { $0 } ?? []
        #expect(members.count == 1 && members.first?["Name"] as? String == container, "\(members)")
        let memberAddress = try #require((members.first?["IPv4Address"] as? String)?.split(separator: "/").first)

        let containerJSON = Self.json(try sandbox.run(["inspect", container]).stdout) as? [[String: Any]]
        let settings = containerJSON?.first?["NetworkSettings"] as? [String: Any]
        let endpoint = (settings?["Networks"] as? [String: [String: Any]])?[name]
        let address = try #require(endpoint?["IPAddress"] as? String)
        let parsed = try #require(IPv4Address(address))
        #expect(address == String(memberAddress) && subnet.contains(parsed))
        #expect(endpoint?["Gateway"] as? String == "\(gateway)" && endpoint?["IPPrefixLen"] as? Int == 24)

        let inUse = try sandbox.run(["network", "rm", name])
        #expect(inUse.status == 1, "rm of a network in use succeeded")
        #expect(inUse.stderr.contains("in use") && inUse.stderr.contains(container), "\(inUse.stderr)")
        #expect(FileManager.default.fileExists(atPath: "/sys/class/net/\(LinkNames.bridge(network: name))"))

        #expect(try sandbox.run(["rm", "-f", container]).status == 0)
        let removed = try sandbox.run(["network", "rm", name])
        #expect(removed.status == 0 && removed.stdout == "\(name)\n", "\(removed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "/sys/class/net/\(LinkNames.bridge(network: name))"))
        #expect(!(try sandbox.run(["network", "ls"]).stdout.contains(name)))
        let missing = try sandbox.run(["network", "inspect", name])
        #expect(missing.status == 1 && missing.stderr.contains("does not exist"), "\(missing.stderr)")
    }

    @Test func twoContainersOnANetworkReachEachOtherByAddressAndName() throws {
        let sandbox = try NetworkSandbox()
        let name = sandbox.name("web")
        try sandbox.createNetwork(name)
        let server = "s\(sandbox.id)"
        let client = "k\(sandbox.id)"
        #expect(
            try sandbox.run([
                "run", "-d", "--name", server, "--network", name, "--network-alias", "www", "busybox", "httpd", "-f",
                "-p", "80", "-h", "/etc",
            ]).status == 0)
        #expect(
            try sandbox.run(["run", "-d", "--name", client, "--network", name, "busybox", "sleep", "600"]).status == 0)
        let settings = Self.json(try sandbox.run(["inspect", server]).stdout) as? [[String: Any]]
        let address = try #require(
            ((settings?.first?["NetworkSettings"] as? [String: Any])?["Networks"] as? [String: [String: Any]])?[name]?[
                "IPAddress"] as? String)

        let byAddress = try sandbox.run([
            "exec", client, "busybox", "timeout", "3", "busybox", "wget", "-q", "-O", "-", "http://\(address)/passwd",
        ])
        #expect(byAddress.stdout.contains("root:x:0:0"), "by address: \(byAddress.stderr)")
        // The network's name server starts with the first container; names follow within a tick.
        #expect(
            eventually(5) {
                (try? sandbox.run([
                    "exec", client, "busybox", "timeout", "3", "busybox", "wget", "-q", "-O", "-",
                    "http://\(server)/passwd",
                ])
                .stdout.contains("root:x:0:0")) == true
            }, "by name")
        let byAlias = try sandbox.run([
            "exec", client, "busybox", "timeout", "3", "busybox", "wget", "-q", "-O", "-", "http://www/passwd",
        ])
        #expect(byAlias.stdout.contains("root:x:0:0"), "by alias: \(byAlias.stderr)")
        // A stopped container's name goes within a tick.
        #expect(try sandbox.run(["stop", "-t", "1", server]).status == 0)
        #expect(
            eventually(3) {
                (try? sandbox.run(["exec", client, "busybox", "nslookup", server]).status) != 0
            }, "a stopped container's name is still answered")
        let unknown = try sandbox.run(["exec", client, "busybox", "nslookup", "no-such-\(sandbox.id)"])
        #expect(unknown.status != 0, "an unknown name resolved: \(unknown.stdout)")
    }

    @Test func internalNetworkHasNoRouteOffTheBridge() throws {
        let sandbox = try NetworkSandbox()
        let name = sandbox.name("int")
        let subnet = try sandbox.createNetwork(name, internal: true)
        let gateway = IPv4Address(subnet.network.value + 1)
        let inspected = Self.json(try sandbox.run(["network", "inspect", name]).stdout) as? [[String: Any]]
        #expect(inspected?.first?["Internal"] as? Bool == true)

        let routes = try sandbox.run(["run", "--rm", "--network", name, "busybox", "busybox", "ip", "route"])
        #expect(routes.status == 0, "\(routes.stderr)")
        #expect(!routes.stdout.contains("default") && routes.stdout.contains("\(subnet)"), "\(routes.stdout)")
        // Another subnet's address — here another network of ours on this machine — has no
        // route at all: the kernel refuses before a packet is sent.
        let other = try sandbox.freeSubnet()
        let elsewhere = try sandbox.run([
            "run", "--rm", "--network", name, "busybox", "busybox", "ip", "route", "get", "\(other.firstHost)",
        ])
        #expect(
            elsewhere.status != 0 && elsewhere.stderr.contains("unreachable"), "\(elsewhere.stdout)\(elsewhere.stderr)")
        let onBridge = try sandbox.run([
            "run", "--rm", "--network", name, "busybox", "busybox", "ip", "route", "get", "\(gateway)",
        ])
        #expect(onBridge.status == 0 && onBridge.stdout.contains("dev eth0"), "\(onBridge.stderr)")
    }

    @Test func noneHasOnlyLoopbackAndHostSeesTheHostsLinks() throws {
        let sandbox = try NetworkSandbox()
        let none = try sandbox.run(["run", "--rm", "--network", "none", "busybox", "busybox", "ip", "-o", "link"])
        #expect(none.status == 0, "\(none.stderr)")
        let links = none.stdout.split(separator: "\n").map {
            $0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)
        }
        #expect(links == ["lo"], "\(none.stdout)")

        let host = try sandbox.run(["run", "--rm", "--network", "host", "busybox", "busybox", "ip", "-o", "link"])
        #expect(host.status == 0, "\(host.stderr)")
        // A host link that neither we nor tests create or delete: the one of the default route.
        let hostLinks = try FileManager.default.contentsOfDirectory(atPath: "/sys/class/net")
        let stable = try #require(hostLinks.first { $0 != "lo" && !LinkNames.isOurs($0) && !$0.hasPrefix("veth") })
        #expect(host.stdout.contains(" \(stable):") || host.stdout.contains(" \(stable)@"), "\(host.stdout)")
    }

    @Test func externalNetworkMustExistAndOutlivesDown() throws {
        let sandbox = try NetworkSandbox()
        let external = sandbox.name("ext")
        try sandbox.stack.directory.write(
            "compose.yaml",
            """
            name: \(sandbox.stack.project)
            services:
              app:
                image: busybox
                init: true
                stop_grace_period: 1s
                command: ["sleep", "600"]
                networks: [shared]
            networks:
              shared:
                external: true
                name: \(external)
            """)
        let missing = try sandbox.run(["up", "-d"])
        #expect(missing.status != 0, "up with a missing external network succeeded")
        #expect(
            missing.stderr.contains(external) && missing.stderr.contains("network create"), "\(missing.stderr)")
        _ = try sandbox.run(["down"])

        try sandbox.createNetwork(external)
        let up = try sandbox.run(["up", "-d"])
        #expect(up.status == 0, "\(up.stderr)")
        let inspected = Self.json(try sandbox.run(["network", "inspect", external]).stdout) as? [[String: Any]]
        let members = (inspected?.first?["Containers"] as? [String: [String: Any]])?.values.compactMap {
            $0["Name"] as? String
        }
        #expect(members == ["\(sandbox.stack.project)-app-1"], "\(String(describing: members))")
        #expect(try sandbox.run(["down"]).status == 0)
        #expect(try sandbox.run(["network", "ls"]).stdout.contains(external), "down removed an external network")
        #expect(FileManager.default.fileExists(atPath: "/sys/class/net/\(LinkNames.bridge(network: external))"))

        // The same name declared as the stack's own is refused, and the network is left alone.
        try sandbox.stack.directory.write(
            "compose.yaml",
            """
            name: \(sandbox.stack.project)
            services:
              app:
                image: busybox
                command: ["sleep", "600"]
                networks: [shared]
            networks:
              shared:
                name: \(external)
            """)
        let clash = try sandbox.run(["up", "-d"])
        #expect(clash.status != 0 && clash.stderr.contains("external: true"), "\(clash.stderr)")
        #expect(try sandbox.run(["down"]).status == 0)
        #expect(try sandbox.run(["network", "ls"]).stdout.contains(external), "a clashing stack removed the network")
        #expect(try sandbox.run(["network", "rm", external]).status == 0)
    }

    @Test func twoProjectsCannotResolveOrReachEachOther() throws {
        let first = try NetworkSandbox()
        let second = try NetworkSandbox()
        for sandbox in [first, second] {
            let subnet = try sandbox.freeSubnet()
            try sandbox.stack.directory.write(
                "compose.yaml",
                """
                name: \(sandbox.stack.project)
                services:
                  web:
                    image: busybox
                    init: true
                    stop_grace_period: 1s
                    command: ["httpd", "-f", "-p", "80", "-h", "/etc"]
                  client:
                    image: busybox
                    init: true
                    stop_grace_period: 1s
                    command: ["sleep", "600"]
                networks:
                  default:
                    ipam:
                      config: [{subnet: \(subnet)}]
                """)
            let up = try sandbox.run(["up", "-d", "--wait"])
            #expect(up.status == 0, "\(up.stderr)")
        }
        let client = "\(first.stack.project)-client-1"
        let otherWeb = "\(second.stack.project)-web-1"
        let otherSettings = Self.json(try second.run(["inspect", otherWeb]).stdout) as? [[String: Any]]
        let otherAddress = try #require(
            (otherSettings?.first?["NetworkSettings"] as? [String: Any])?["IPAddress"] as? String)
        // Our own web answers by name (the check is not vacuous)…
        #expect(
            eventually(5) {
                (try? first.run([
                    "exec", client, "busybox", "timeout", "3", "busybox", "wget", "-q", "-O", "-", "http://web/passwd",
                ])
                .stdout.contains("root:x")) == true
            })
        // …the other project's container is neither named nor reachable.
        let resolved = try first.run(["exec", client, "busybox", "nslookup", otherWeb])
        #expect(!resolved.stdout.contains(otherAddress), "\(resolved.stdout)")
        let reached = try first.run([
            "exec", client, "busybox", "timeout", "3", "busybox", "wget", "-q", "-O", "-",
            "http://\(otherAddress)/passwd",
        ])
        #expect(
            reached.status != 0 && !reached.stdout.contains("root:x"),
            "reached another project's container (ip_forward=\((try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_forward", encoding: .utf8)) ?? "?"))"
        )
        for sandbox in [first, second] { _ = try sandbox.run(["down"]) }
    }

    @Test func sweepAfterAKilledUpRemovesExactlyOurLeftovers() throws {
        // Another state root's network and container: the sweep must leave them alone.
        let bystander = try NetworkSandbox()
        let keep = bystander.name("keep")
        try bystander.createNetwork(keep)
        let keeper = "k\(bystander.id)"
        #expect(
            try bystander.run(["run", "-d", "--name", keeper, "--network", keep, "busybox", "sleep", "600"]).status == 0
        )
        let keptVeth = LinkNames.hostVeth(container: keeper, network: keep)
        #expect(FileManager.default.fileExists(atPath: "/sys/class/net/\(keptVeth)"))

        let sandbox = try NetworkSandbox()
        // The same name in another state root would share the bridge: refused.
        let sameName = try sandbox.run(["network", "create", "--subnet", "\(try sandbox.freeSubnet())", keep])
        #expect(sameName.status == 1 && sameName.stderr.contains("another swiftstack state root"), "\(sameName.stderr)")
        let subnet = try sandbox.freeSubnet()
        let project = sandbox.stack.project
        try sandbox.stack.directory.write(
            "compose.yaml",
            """
            name: \(project)
            services:
              app:
                image: busybox
                command: ["sleep", "600"]
            networks:
              default:
                ipam:
                  config: [{subnet: \(subnet)}]
            """)
        sandbox.stack.environment["SWIFTSTACK_TEST_CRASH_AFTER_ATTACH"] = "1"
        let crashed = try sandbox.run(["up", "-d"])
        sandbox.stack.environment["SWIFTSTACK_TEST_CRASH_AFTER_ATTACH"] = nil
        #expect(crashed.status == 128 + 9, "up was not killed: \(crashed.stderr)")
        let network = "\(project)_default"
        let veth = LinkNames.hostVeth(container: "\(project)-app-1", network: network)
        #expect(FileManager.default.fileExists(atPath: "/sys/class/net/\(veth)"), "the crash left no veth to sweep")
        let pins =
            (try? FileManager.default.contentsOfDirectory(atPath: sandbox.stack.runDirectory + "/netns/\(project)"))
            ?? []
        #expect(pins.count == 1, "pinned namespaces: \(pins)")

        // What a `network create` killed between reserving the subnet and recording the network
        // leaves: the reservation and the bridge, made here with the same library calls.
        let halfMade = sandbox.name("half")
        let halfSubnet = try sandbox.freeSubnet()
        let halfBridge = try BridgeNetwork.create(
            name: halfMade, allocator: AddressAllocator(directory: sandbox.stack.stateRoot + "/ipam"),
            subnet: halfSubnet)
        #expect(try halfBridge.exists())

        let prune = try sandbox.run(["network", "prune"])
        #expect(prune.stdout.contains("link: \(halfBridge.bridgeName)"), "\(prune.stdout)")
        #expect(try !halfBridge.exists(), "the half-made network's bridge remains")
        #expect(prune.status == 0, "\(prune.stderr)")
        #expect(prune.stdout.contains("address: \(network)/\(project)-app-1"), "\(prune.stdout)")
        #expect(
            eventually(3) { !FileManager.default.fileExists(atPath: "/sys/class/net/\(veth)") }, "the veth remains")
        #expect(!FileManager.default.fileExists(atPath: sandbox.stack.runDirectory + "/netns/\(project)"))
        #expect(try sandbox.run(["down"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: "/sys/class/net/\(LinkNames.bridge(network: network))"))
        let ipam = try String(contentsOfFile: sandbox.stack.stateRoot + "/ipam/ipam.json", encoding: .utf8)
        #expect(!ipam.contains(network) && !ipam.contains(halfMade), "\(ipam)")

        // Only ours went.
        #expect(FileManager.default.fileExists(atPath: "/sys/class/net/\(keptVeth)"))
        #expect(FileManager.default.fileExists(atPath: "/sys/class/net/\(LinkNames.bridge(network: keep))"))
    }
}

/// /24s from 10.121.128.0/17 for these tests: never the same twice in this process, never one
/// a host route covers (another process's networks).
enum FreeSubnets {
    private static let inUse = Mutex<Set<UInt8>>([])

    static func reserve() throws -> IPv4Subnet {
        let routes = try NetlinkSocket().routes().filter { !$0.isDefault }
        for _ in 0..<500 {
            let subnet = IPv4Subnet(IPv4Address(10, 121, UInt8.random(in: 128...254), 0), prefixLength: 24)
            if routes.contains(where: { $0.destination.overlaps(subnet) }) { continue }
            if inUse.withLock({ $0.insert(subnet.network.bytes[2]).inserted }) { return subnet }
        }
        throw NetworkError(.exhausted, "no free test subnet in 10.121.128.0/17")
    }

    static func release(_ subnet: IPv4Subnet) {
        _ = inUse.withLock { $0.remove(subnet.network.bytes[2]) }
    }
}
