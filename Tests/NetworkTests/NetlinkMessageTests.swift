import Testing

@testable import Network

@Suite struct NetlinkMessageTests {
    @Test func attributesArePaddedNestedAndReadBack() throws {
        var message = NetlinkMessage(type: RouteNetlink.newLink, flags: RouteNetlink.request)
        message.appendInterfaceInfo(index: 7)
        message.appendAttribute(RouteNetlink.linkName, string: "ab")  // 4 + 3 bytes, padded to 8
        message.beginNest(RouteNetlink.linkInfo)
        message.appendAttribute(RouteNetlink.linkInfoKind, string: "bridge")  // 4 + 7, padded to 12
        message.endNest()
        message.appendAttribute(RouteNetlink.linkMTU, uint32: 1400)
        let bytes = message.finished(sequence: 42)

        #expect(bytes.count == 16 + 16 + 8 + 16 + 8)
        #expect(bytes.count % 4 == 0)
        #expect(bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) } == UInt32(bytes.count))
        #expect(bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: UInt32.self) } == 42)
        #expect(bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 20, as: Int32.self) } == 7)

        let attributes = Array(NetlinkAttributes(ArraySlice(bytes).dropFirst(32)))
        #expect(attributes.map(\.type) == [RouteNetlink.linkName, RouteNetlink.linkInfo, RouteNetlink.linkMTU])
        #expect(attributes[0].string == "ab")
        #expect(attributes[1].payload.count == 12)
        #expect(attributes[1].nested.first(RouteNetlink.linkInfoKind)?.string == "bridge")
        #expect(attributes[2].uint32 == 1400)
    }

    @Test func truncatedAttributesEndTheWalkInsteadOfTrapping() {
        let bytes: [UInt8] = [8, 0, 3, 0, 65, 66, 0, 0, 200, 0, 4, 0, 1]
        let attributes = Array(NetlinkAttributes(ArraySlice(bytes)))
        #expect(attributes.count == 1)
        #expect(attributes.first?.string == "AB")
    }

    @Test func addressesAndSubnetsParseAndCompare() throws {
        let subnet = try #require(IPv4Subnet("10.121.7.0/24"))
        #expect(subnet.broadcast == IPv4Address(10, 121, 7, 255))
        #expect(subnet.firstHost.description == "10.121.7.1")
        #expect(subnet.contains(try #require(IPv4Address("10.121.7.200"))))
        #expect(!subnet.contains(try #require(IPv4Address("10.121.8.1"))))
        #expect(subnet.overlaps(try #require(IPv4Subnet("10.121.0.0/16"))))
        #expect(!subnet.overlaps(try #require(IPv4Subnet("10.121.6.0/24"))))
        #expect(IPv4Subnet("10.121.7.1/24") == nil)
        #expect(IPv4Address("10.121.7") == nil)
        #expect(IPv4Address("10.121.7.256") == nil)
        #expect(IPv4Address(10, 121, 7, 2).bytes == [10, 121, 7, 2])
    }

    @Test func linkNamesAreShortStableAndRecognisable() {
        let bridge = LinkNames.bridge(network: "myproject_default")
        let veth = LinkNames.hostVeth(container: "myproject-web-1", network: "myproject_default")
        #expect(bridge.count <= 15 && veth.count <= 15)
        #expect(bridge.hasPrefix("ssb-") && veth.hasPrefix("ssv-"))
        #expect(bridge == LinkNames.bridge(network: "myproject_default"))
        #expect(veth != LinkNames.hostVeth(container: "myproject-web-2", network: "myproject_default"))
        #expect(LinkNames.isOurs(bridge) && LinkNames.isOurs(veth))
        #expect(!LinkNames.isOurs("eth0") && !LinkNames.isOurs("ssb-x") && !LinkNames.isOurs("ssb-0123456789"))
    }
}
