import Foundation
import Testing

/// `run -p`: ports of standalone containers, held by the container's owner (the `run -d`
/// monitor), reachable on loopback and on the host's other addresses.
@Suite struct PublishedPortTests {
    typealias Sandbox = NetworkCommandTests.NetworkSandbox

    static func json(_ text: String) -> Any? { try? JSONSerialization.jsonObject(with: Data(text.utf8)) }

    @Test func runDetachedPublishesPortsOnLoopbackAndTheHostsOwnAddress() throws {
        let sandbox = try Sandbox()
        let network = sandbox.name("pub")
        try sandbox.createNetwork(network)
        let www = try sandbox.stack.directory.write("www/index.html", "hello \(sandbox.id)\n")
            .deletingLastPathComponent().path
        let container = "web\(sandbox.id)"
        let first = HostProbe.freePorts(2)
        // Two ports as a range, a third on a port the kernel picks.
        let started = try sandbox.run([
            "run", "-d", "--name", container, "--network", network, "-v", "\(www):/www:ro",
            "-p", "\(first)-\(first + 1):80-81", "-p", "82",
            "busybox", "sh", "-c", "httpd -p 81 -h /www; httpd -p 82 -h /www; exec httpd -f -p 80 -h /www",
        ])
        try #require(started.status == 0, "\(started.stderr)")

        let inspected = Self.json(try sandbox.run(["inspect", container]).stdout) as? [[String: Any]]
        let ports = (inspected?.first?["NetworkSettings"] as? [String: Any])?["Ports"] as? [String: [[String: String]]]
        #expect(ports?["80/tcp"]?.first?["HostPort"] == "\(first)", "\(String(describing: ports))")
        #expect(ports?["81/tcp"]?.first?["HostPort"] == "\(first + 1)")
        #expect(ports?["80/tcp"]?.first?["HostIp"] == "0.0.0.0")
        let ephemeral = try #require(ports?["82/tcp"]?.first?["HostPort"].flatMap { Int($0) })
        #expect(ephemeral > 0 && ephemeral != first && ephemeral != first + 1)
        let ps = try sandbox.run(["ps"]).stdout
        #expect(ps.contains("PORTS") && ps.contains("0.0.0.0:\(first)->80/tcp"), "\(ps)")

        for port in [first, first + 1, ephemeral] {
            var body = ""
            #expect(
                eventually(5) {
                    body = HostProbe.httpGet("127.0.0.1", port: port)
                    return body.contains("hello \(sandbox.id)")
                }, "127.0.0.1:\(port): \(body)")
        }
        // Without a host address every address of the host listens (as Compose): one of the
        // host's own addresses (the default route's interface) — the traffic stays on the machine.
        let hostAddress = try #require(HostProbe.nonLoopbackAddress(), "this host has no non-loopback IPv4 address")
        let viaHost = HostProbe.httpGet(hostAddress, port: first)
        #expect(viaHost.contains("hello \(sandbox.id)"), "\(hostAddress):\(first): \(viaHost)")

        if HostProbe.hasIPv6Loopback {
            let viaIPv6 = HostProbe.httpGetIPv6Loopback(port: first)
            #expect(viaIPv6.contains("hello \(sandbox.id)"), "[::1]:\(first): \(viaIPv6)")
        }

        // The ports live as long as the container: its monitor holds them.
        #expect(try sandbox.run(["rm", "-f", container]).status == 0)
        #expect(eventually(5) { HostProbe.isFree(first) && HostProbe.isFree(ephemeral) }, "ports still held")
    }

    @Test func anExplicitHostAddressBindsOnlyIt() throws {
        let sandbox = try Sandbox()
        let network = sandbox.name("lo")
        try sandbox.createNetwork(network)
        let container = "lo\(sandbox.id)"
        let port = HostProbe.freePorts()
        let started = try sandbox.run([
            "run", "-d", "--name", container, "--network", network, "-p", "127.0.0.1:\(port):80",
            "busybox", "httpd", "-f", "-p", "80", "-h", "/etc",
        ])
        try #require(started.status == 0, "\(started.stderr)")
        #expect(
            eventually(5) { HostProbe.httpGet("127.0.0.1", port: port, path: "passwd").contains("root:x:0:0") })
        let hostAddress = try #require(HostProbe.nonLoopbackAddress())
        #expect(HostProbe.httpGet(hostAddress, port: port).isEmpty, "127.0.0.1 only, yet \(hostAddress) answered")
    }

    @Test func aTakenHostPortFailsClearlyAndCreatesNothing() throws {
        let sandbox = try Sandbox()
        let network = sandbox.name("taken")
        try sandbox.createNetwork(network)
        let holder = try HostProbe.Listener()
        let container = "t\(sandbox.id)"
        for detach in [["-d"], []] {
            let refused = try sandbox.run(
                ["run"] + detach + ["--name", container, "--network", network, "-p", "\(holder.port):80"]
                    + ["busybox", "httpd", "-f", "-p", "80"])
            #expect(refused.status == 125, "\(refused.stdout)")
            #expect(
                refused.stderr.contains(":\(holder.port)/tcp") && refused.stderr.contains("already in use"),
                "\(refused.stderr)")
            #expect(try sandbox.run(["inspect", container]).status != 0, "a container was created")
            let inspected = Self.json(try sandbox.run(["network", "inspect", network]).stdout) as? [[String: Any]]
            let members = inspected?.first?["Containers"] as? [String: Any] ?? [:]
            #expect(members.isEmpty, "an address was kept: \(members)")
        }
        let withoutNetwork = try sandbox.run(["run", "--rm", "-p", "8080:80", "busybox", "true"])
        #expect(withoutNetwork.status == 125 && withoutNetwork.stderr.contains("--network"), "\(withoutNetwork.stderr)")
        let invalid = try sandbox.run(["run", "--rm", "--network", network, "-p", "80:90:100:1", "busybox", "true"])
        #expect(invalid.status == 125 && invalid.stderr.contains("invalid -p"), "\(invalid.stderr)")
    }
}
