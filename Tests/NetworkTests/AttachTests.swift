import Testing

@testable import Network

/// Containers stand-ins (fresh network namespaces) attached to real bridges: links, addresses
/// and routes checked from inside, and traffic exchanged through the bridge.
@Suite struct AttachTests {
    /// A bridge network on a test subnet, torn down (veths first) when the body ends.
    func withNetwork(internal isInternal: Bool = false, _ body: (BridgeNetwork, TestIdentity) throws -> Void) throws {
        let forwardingBefore = try ipForwardSetting()
        let identity = TestIdentity()
        let subnet = try TestSubnets.reserve()
        defer { TestSubnets.release(subnet) }
        let network = try BridgeNetwork.create(name: identity.network, subnet: subnet, internal: isInternal)
        defer { try? network.delete() }
        try body(network, identity)
        try network.delete()
        let leftovers = try NetlinkSocket().links().map(\.name).filter { name in
            name == network.bridgeName
                || (1...3).contains {
                    LinkNames.hostVeth(container: identity.container($0), network: network.name) == name
                }
        }
        #expect(leftovers.isEmpty)
        #expect(try ipForwardSetting() == forwardingBefore)
    }

    func attach(_ n: Int, to network: BridgeNetwork, identity: TestIdentity) throws -> AttachedNamespace {
        let namespace = try NetworkNamespace.create()
        let address = IPv4Address(network.subnet.network.value + UInt32(1 + n))
        let link = try network.attach(container: identity.container(n), containerNetns: namespace, address: address)
        return AttachedNamespace(namespace: namespace, link: link)
    }

    @Test func containerEndIsEth0WithAddressRouteAndLoopbackUp() throws {
        try withNetwork { network, identity in
            let container = try attach(1, to: network, identity: identity)
            defer { try? container.link.detach() }

            let host = try NetlinkSocket()
            let bridge = try host.requireLink(named: network.bridgeName)
            let hostEnd = try host.requireLink(named: container.link.name)
            #expect(hostEnd.masterIndex == bridge.index)
            #expect(hostEnd.isUp)
            #expect(hostEnd.kind == "veth")
            #expect(try host.link(named: "eth0")?.index != nil)  // the host's own eth0 is untouched...
            #expect(try host.links().filter { $0.name == "eth0" }.count <= 1)  // ...and no second one appeared

            let inside = try NetlinkSocket.open(in: container.namespace)
            let links = try inside.links()
            #expect(Set(links.map(\.name)) == ["lo", "eth0"])
            let eth0 = try #require(links.first { $0.name == "eth0" })
            #expect(eth0.isUp && eth0.hasCarrier)
            #expect(eth0.mtu == 1500)
            #expect(try #require(links.first { $0.name == "lo" }).isUp)
            #expect(
                try inside.addresses(linkIndex: eth0.index)
                    == [LinkAddress(linkIndex: eth0.index, address: container.link.address, prefixLength: 24)])
            let routes = try inside.routes()
            #expect(
                routes.contains { $0.isDefault && $0.gateway == network.gateway && $0.outputLinkIndex == eth0.index })
            #expect(routes.contains { $0.destination == network.subnet && $0.outputLinkIndex == eth0.index })

            try container.link.detach()
            #expect(try host.link(named: container.link.name) == nil)
            #expect(try !inside.links().contains { $0.name == "eth0" })
        }
    }

    @Test func hostAndContainerExchangeDatagramsThroughTheBridge() throws {
        try withNetwork { network, identity in
            let container = try attach(1, to: network, identity: identity)
            defer { try? container.link.detach() }

            // Host → container.
            let listener = try container.udpSocket()
            let hostSender = try UDPSocket(address: network.gateway)
            try hostSender.send("to container", to: container.link.address, port: listener.port)
            let inbound = try listener.receive()
            #expect(inbound.text == "to container")
            #expect(inbound.from == network.gateway)

            // Container → host, answering on the gateway address.
            let reply = try container.udpSocket()
            try reply.send("to host", to: network.gateway, port: hostSender.port)
            let outbound = try hostSender.receive()
            #expect(outbound.text == "to host")
            #expect(outbound.from == container.link.address)
        }
    }

    @Test func twoContainersOnOneBridgeReachEachOther() throws {
        try withNetwork { network, identity in
            let first = try attach(1, to: network, identity: identity)
            defer { try? first.link.detach() }
            let second = try attach(2, to: network, identity: identity)
            defer { try? second.link.detach() }

            let firstSocket = try first.udpSocket()
            let secondSocket = try second.udpSocket()
            try firstSocket.send("hello second", to: second.link.address, port: secondSocket.port)
            #expect(try secondSocket.receive() == ("hello second", first.link.address))
            try secondSocket.send("hello first", to: first.link.address, port: firstSocket.port)
            #expect(try firstSocket.receive() == ("hello first", second.link.address))
        }
    }

    @Test func internalNetworkGivesNoDefaultRoute() throws {
        try withNetwork(internal: true) { network, identity in
            #expect(network.isInternal)
            let container = try attach(1, to: network, identity: identity)
            defer { try? container.link.detach() }

            let routes = try NetlinkSocket.open(in: container.namespace).routes()
            #expect(!routes.contains { $0.isDefault })
            #expect(routes.map(\.destination) == [network.subnet])

            // The bridge itself still answers.
            let hostListener = try UDPSocket(address: network.gateway)
            try container.udpSocket().send("inside only", to: network.gateway, port: hostListener.port)
            #expect(try hostListener.receive().text == "inside only")
        }
    }

    @Test func failedAttachLeavesNothingBehind() throws {
        try withNetwork { network, identity in
            let namespace = try NetworkNamespace.create()
            let address = IPv4Address(network.subnet.network.value + 2)
            let first = try network.attach(
                container: identity.container(1), containerNetns: namespace, address: address)
            defer { try? first.detach() }

            // Same interface name in the same namespace: the kernel refuses the peer.
            let clash = #expect(throws: NetworkError.self) {
                try network.attach(
                    container: identity.container(2), containerNetns: namespace, address: IPv4Address(address.value + 1)
                )
            }
            #expect(clash?.code == .alreadyExists)
            let second = LinkNames.hostVeth(container: identity.container(2), network: network.name)
            #expect(try NetlinkSocket().link(named: second) == nil)

            let outside = #expect(throws: NetworkError.self) {
                try network.attach(
                    container: identity.container(3), containerNetns: namespace, address: IPv4Address(10, 99, 0, 2),
                    interfaceName: "eth1")
            }
            #expect(outside?.code == .addressOutsideSubnet)
        }
    }
}

@Suite struct NameResolutionTests {
    @Test func containerResolvesAnotherThroughTheGatewayDNSAndReachesIt() async throws {
        let identity = TestIdentity()
        let subnet = try TestSubnets.reserve()
        defer { TestSubnets.release(subnet) }
        let network = try BridgeNetwork.create(name: identity.network, subnet: subnet)
        defer { try? network.delete() }
        let tests = AttachTests()
        let client = try tests.attach(1, to: network, identity: identity)
        defer { try? client.link.detach() }
        let database = try tests.attach(2, to: network, identity: identity)
        defer { try? database.link.detach() }

        let records = DNSRecords()
        records.set("db", to: [database.link.address])
        // Where containers' resolv.conf points: the gateway, port 53.
        let server = try await DNSServer.start(
            host: network.gateway.description, port: 53, responder: DNSResponder(domain: "proj", records: records))
        do {
            let resolver = try client.udpSocket()
            try resolver.send(
                bytes: DNSTestClient.query(id: 99, name: "db.proj", type: 1), to: network.gateway, port: 53)
            let answer = try DNSTestClient.parse(try resolver.receiveBytes().bytes)
            #expect(answer.code == 0)
            #expect(answer.addresses == [database.link.address])

            let listener = try database.udpSocket()
            let resolved = try #require(answer.addresses.first)
            try resolver.send("by name", to: resolved, port: listener.port)
            #expect(try listener.receive() == ("by name", client.link.address))
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}
