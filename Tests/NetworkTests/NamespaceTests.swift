import Glibc
import Testing

@testable import Network

@Suite struct NamespaceTests {
    @Test func freshNamespaceHasOnlyLoopbackWhichCanBeBroughtUp() throws {
        let namespace = try NetworkNamespace.create()
        let host = try NetworkNamespace(path: "/proc/self/ns/net")
        #expect(namespace.inode != host.inode)

        let inside = try NetlinkSocket.open(in: namespace)
        let links = try inside.links()
        #expect(links.map(\.name) == ["lo"])
        #expect(links.first?.isUp == false)
        try namespace.bringLoopbackUp()
        #expect(try inside.requireLink(named: "lo").isUp)
        #expect(try inside.routes().isEmpty)

        // The calling thread never left the host namespace.
        #expect(try NetworkNamespace(path: "/proc/thread-self/ns/net").inode == host.inode)
    }

    @Test func errorsInsideTheNamespaceComeBackToTheCaller() throws {
        let namespace = try NetworkNamespace.create()
        let error = #expect(throws: NetworkError.self) {
            try namespace.run { () throws(NetworkError) in try NetlinkSocket().requireLink(named: "eth0") }
        }
        #expect(error?.code == .notFound)
        let missing = #expect(throws: NetworkError.self) { try NetworkNamespace(path: "/proc/999999999/ns/net") }
        #expect(missing?.code == .notFound)
    }

    @Test func closingTheLastReferenceToTheNamespaceRemovesTheVeth() throws {
        let identity = TestIdentity()
        let subnet = try TestSubnets.reserve()
        defer { TestSubnets.release(subnet) }
        let network = try BridgeNetwork.create(name: identity.network, subnet: subnet)
        defer { try? network.delete() }
        var link: HostLink?
        do {
            let namespace = try NetworkNamespace.create()
            link = try network.attach(
                container: identity.container(1), containerNetns: namespace, address: subnet.firstHost.advanced(by: 1))
        }
        let name = try #require(link?.name)
        defer { try? link?.detach() }
        // The kernel reclaims the pair asynchronously once the namespace is gone.
        let host = try NetlinkSocket()
        var remaining = true
        for _ in 0..<200 where remaining {
            remaining = try host.link(named: name) != nil
            if remaining { usleep(10_000) }
        }
        #expect(!remaining, "veth \(name) still exists 2 s after its namespace was released")
    }
}

extension IPv4Address {
    func advanced(by offset: UInt32) -> IPv4Address { IPv4Address(value + offset) }
}
