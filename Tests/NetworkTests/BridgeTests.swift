import Foundation
import Testing

@testable import Network

/// Real bridges on the host, named from a unique id per test and deleted even on failure.
@Suite struct BridgeTests {
    @Test func bridgeIsCreatedFoundAddressedAndDeleted() throws {
        let identity = TestIdentity()
        let name = LinkNames.bridge(network: identity.network)
        let subnet = try TestSubnets.reserve()
        defer { TestSubnets.release(subnet) }
        let socket = try NetlinkSocket()
        try socket.createBridge(named: name)
        defer { try? socket.deleteLink(named: name) }

        let created = try #require(try socket.link(named: name))
        #expect(created.kind == "bridge")
        #expect(!created.isUp)
        #expect(try socket.links().contains { $0.name == name && $0.index == created.index })

        try socket.setLink(index: created.index, up: true, mtu: 1400)
        let updated = try #require(try socket.link(named: name))
        #expect(updated.isUp)
        #expect(updated.mtu == 1400)

        let gateway = subnet.firstHost
        try socket.addAddress(gateway, prefixLength: 24, linkIndex: created.index)
        let addresses = try socket.addresses(linkIndex: created.index)
        #expect(addresses == [LinkAddress(linkIndex: created.index, address: gateway, prefixLength: 24)])
        // The kernel adds the connected route once the address is there.
        #expect(try socket.routes().contains { $0.destination == subnet && $0.outputLinkIndex == created.index })

        try socket.deleteAddress(gateway, prefixLength: 24, linkIndex: created.index)
        #expect(try socket.addresses(linkIndex: created.index).isEmpty)

        try socket.deleteLink(named: name)
        #expect(try socket.link(named: name) == nil)
        #expect(try !socket.links().contains { $0.name == name })
    }

    @Test func kernelErrorsComeBackAsClearCodes() throws {
        let identity = TestIdentity()
        let name = LinkNames.bridge(network: identity.network)
        let socket = try NetlinkSocket()
        try socket.createBridge(named: name)
        defer { try? socket.deleteLink(named: name) }

        let duplicate = #expect(throws: NetworkError.self) { try socket.createBridge(named: name) }
        #expect(duplicate?.code == .alreadyExists)
        #expect(duplicate?.message.contains(name) == true)

        let missing = #expect(throws: NetworkError.self) { try socket.deleteLink(named: "ssb-notthere") }
        #expect(missing?.code == .notFound)
        #expect(try socket.link(named: "ssb-notthere") == nil)

        let tooLong = #expect(throws: NetworkError.self) { try socket.createBridge(named: "a-name-longer-than-15") }
        #expect(tooLong?.code == .invalidArgument)
    }

    @Test func networkCreationRefusesASubnetCoveredByAHostRoute() throws {
        let identity = TestIdentity()
        let subnet = try TestSubnets.reserve()
        defer { TestSubnets.release(subnet) }
        let first = try BridgeNetwork.create(name: identity.network, subnet: subnet)
        defer { try? first.delete() }
        #expect(try first.exists())

        let second = #expect(throws: NetworkError.self) {
            try BridgeNetwork.create(
                name: identity.network + "-b", subnet: IPv4Subnet(subnet.network, prefixLength: 25))
        }
        #expect(second?.code == .subnetOverlap)
        #expect(try !BridgeNetwork(name: identity.network + "-b", subnet: subnet, gateway: subnet.firstHost).exists())

        try first.delete()
        #expect(try !first.exists())
    }

    @Test func sweepDeletesOnlyOurLeftovers() throws {
        // In a namespace of its own, so sweeping cannot touch other tests' links.
        let namespace = try NetworkNamespace.create()
        let socket = try NetlinkSocket.open(in: namespace)
        let identity = TestIdentity()
        let ours = (0..<3).map { LinkNames.bridge(network: identity.network + "-\($0)") }
        for name in ours { try socket.createBridge(named: name) }
        try socket.createBridge(named: "keepme")
        try socket.createVethPair(
            named: LinkNames.hostVeth(container: identity.container(1), network: identity.network), peerName: "peer0",
            peerNamespace: nil)

        let deleted = try LinkSweeper.sweep(prefix: "ss", keeping: [ours[0]], using: socket)
        #expect(
            Set(deleted)
                == Set(ours[1...] + [LinkNames.hostVeth(container: identity.container(1), network: identity.network)]))
        let remaining = Set(try socket.links().map(\.name))
        #expect(remaining == ["lo", "keepme", ours[0]])

        #expect(try LinkSweeper.delete(["keepme", ours[0]], using: socket) == [ours[0]])
        #expect(Set(try socket.links().map(\.name)) == ["lo", "keepme"])
    }
}

@Suite struct AllocatedNetworkTests {
    @Test func networksTakeTheirSubnetFromTheAllocatorAndRespectHostRoutes() throws {
        let identity = TestIdentity()
        let directory = NSTemporaryDirectory() + "ipam-net-test-" + identity.id
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let subnet = try TestSubnets.reserve()
        defer { TestSubnets.release(subnet) }
        // A pool of exactly the test's /24 keeps parallel tests apart.
        let allocator = AddressAllocator(directory: directory, pool: subnet)

        let network = try BridgeNetwork.create(name: identity.network, allocator: allocator)
        defer { try? network.delete() }
        #expect(network.subnet == subnet)
        #expect(network.gateway == subnet.firstHost)
        #expect(try allocator.lease(of: identity.network)?.subnet == subnet)
        // Idempotent: asking again gives the same network and bridge.
        #expect(try BridgeNetwork.create(name: identity.network, allocator: allocator) == network)

        let full = #expect(throws: NetworkError.self) {
            try BridgeNetwork.create(name: identity.network + "-2", allocator: allocator)
        }
        #expect(full?.code == .exhausted)

        // Another state directory does not know the network, but the host route gives it away.
        let stranger = AddressAllocator(directory: directory + "-other")
        defer { try? FileManager.default.removeItem(atPath: directory + "-other") }
        let overlap = #expect(throws: NetworkError.self) {
            try BridgeNetwork.create(name: identity.network + "-3", allocator: stranger, subnet: subnet)
        }
        #expect(overlap?.code == .subnetOverlap)
        #expect(try stranger.lease(of: identity.network + "-3") == nil)
        #expect(try NetlinkSocket().link(named: LinkNames.bridge(network: identity.network + "-3")) == nil)
    }
}
