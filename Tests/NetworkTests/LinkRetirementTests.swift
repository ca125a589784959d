import Foundation
import Testing

@testable import Network

/// Retired bridges: out of service at once, deleted in the background, swept when the
/// background deletion never happened.
@Suite struct LinkRetirementTests {
    @Test func aRetiredBridgeIsGoneAtOnceAndDeletedInTheBackground() throws {
        let name = LinkNames.bridge(network: TestIdentity().network)
        let records = FileManager.default.temporaryDirectory.appendingPathComponent("retired-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: records) }
        let socket = try NetlinkSocket()
        try socket.createBridge(named: name)
        defer { try? socket.deleteLink(named: name) }
        let retirement = LinkRetirement(recordDirectory: records)

        try retirement.retire(name, using: socket)
        #expect(try socket.link(named: name) == nil, "the name is free as soon as retire returns")
        // Our record names the retired link (other tests retire theirs meanwhile).
        let recorded = (try? FileManager.default.contentsOfDirectory(atPath: records)) ?? []
        #expect(recorded.count <= 1, "\(recorded)")
        #expect(recorded.allSatisfy { $0.hasPrefix(LinkNames.retiredPrefix) }, "\(recorded)")
        // The background child removes the record once the kernel acknowledged the deletion.
        #expect(eventually(5) { ((try? FileManager.default.contentsOfDirectory(atPath: records)) ?? []).isEmpty })
        for link in recorded { #expect(try socket.link(named: link) == nil, "\(link) was deleted") }
        try retirement.retire(name, using: socket)  // nothing to retire: no error
    }

    @Test func aSweepDeletesRetiredLinksWhoseDeletionNeverFinishedAndOnlyThose() throws {
        let records = FileManager.default.temporaryDirectory.appendingPathComponent("retired-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: records) }
        try FileManager.default.createDirectory(atPath: records, withIntermediateDirectories: true)
        let socket = try NetlinkSocket()
        // A retired bridge whose remover was killed: renamed, recorded, still there.
        let leftover = LinkNames.retired()
        try socket.createBridge(named: leftover)
        defer { try? socket.deleteLink(named: leftover) }
        #expect(FileManager.default.createFile(atPath: records + "/" + leftover, contents: nil))
        // Another state root's retired bridge: not in our records, never touched.
        let others = LinkNames.retired()
        try socket.createBridge(named: others)
        defer { try? socket.deleteLink(named: others) }

        let deleted = try LinkRetirement(recordDirectory: records).sweep(using: socket)
        #expect(deleted == [leftover])
        #expect(try socket.link(named: leftover) == nil)
        #expect(try socket.link(named: others) != nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: records).isEmpty)
    }
}

extension LinkRetirementTests {
    /// A record whose background child is still at work (it holds the record's flock) is left
    /// to that child; once the holder is gone, the sweep deletes the link.
    @Test func aSweepLeavesADeletionUnderWayToItsChild() throws {
        let records = FileManager.default.temporaryDirectory.appendingPathComponent("retired-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: records) }
        try FileManager.default.createDirectory(atPath: records, withIntermediateDirectories: true)
        let socket = try NetlinkSocket()
        let busy = LinkNames.retired()
        try socket.createBridge(named: busy)
        defer { try? socket.deleteLink(named: busy) }
        let holder = open(records + "/" + busy, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        #expect(holder >= 0 && flock(holder, LOCK_EX) == 0)

        let retirement = LinkRetirement(recordDirectory: records)
        #expect(try retirement.sweep(using: socket).isEmpty)
        #expect(try socket.link(named: busy) != nil, "a deletion under way is not repeated")
        close(holder)
        #expect(try retirement.sweep(using: socket) == [busy])
        #expect(try socket.link(named: busy) == nil)
    }
}

extension LinkRetirementTests {
    /// A bridge retired with a grace period is taken back by a network created again under its
    /// name (with the new subnet's gateway only); its background child then deletes nothing.
    @Test func aNetworkCreatedAgainTakesItsRetiredBridgeBack() throws {
        let network = TestIdentity().network
        let name = LinkNames.bridge(network: network)
        let records = FileManager.default.temporaryDirectory.appendingPathComponent("retired-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: records) }
        let (first, second) = (try TestSubnets.reserve(), try TestSubnets.reserve())
        defer {
            TestSubnets.release(first)
            TestSubnets.release(second)
        }
        let socket = try NetlinkSocket()
        defer { try? socket.deleteLink(named: name) }
        let retirement = LinkRetirement(recordDirectory: records)

        _ = try BridgeNetwork.create(name: network, subnet: first)
        let original = try #require(try socket.link(named: name))
        try retirement.retire(name, using: socket, grace: 500)
        #expect(try socket.link(named: name) == nil)
        #expect(try socket.addresses(linkIndex: original.index).isEmpty, "a retired link keeps no address")

        let again = try BridgeNetwork.create(name: network, subnet: second, reclaimingFrom: retirement)
        let link = try #require(try socket.link(named: name))
        #expect(link.index == original.index, "the same bridge, taken back")
        #expect(link.isUp)
        #expect(try socket.addresses(linkIndex: link.index).map(\.address) == [again.gateway])
        // After the grace period the child finds its record taken and leaves the bridge alone.
        usleep(800_000)
        #expect(try socket.link(named: name)?.index == original.index)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: records)) ?? []).isEmpty)
    }

    /// A retired link whose record vanished with its state root (tests remove theirs at once)
    /// is still deleted after the grace period.
    @Test func aRetiredLinkIsDeletedEvenWhenItsStateRootIsRemoved() throws {
        let records = FileManager.default.temporaryDirectory.appendingPathComponent("retired-\(UUID().uuidString)").path
        let name = LinkNames.bridge(network: TestIdentity().network)
        let socket = try NetlinkSocket()
        try socket.createBridge(named: name)
        defer { try? socket.deleteLink(named: name) }
        try LinkRetirement(recordDirectory: records).retire(name, using: socket, grace: 300)
        let retired = try #require(try FileManager.default.contentsOfDirectory(atPath: records).first)
        try FileManager.default.removeItem(atPath: records)
        #expect(eventually(5) { (try? socket.link(named: retired)) == .some(nil) }, "\(retired) was deleted")
    }

    /// Records of a deletion or a reclaim that were interrupted are swept like any other.
    @Test func aSweepFinishesInterruptedDeletionsAndReclaims() throws {
        let records = FileManager.default.temporaryDirectory.appendingPathComponent("retired-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: records) }
        try FileManager.default.createDirectory(atPath: records, withIntermediateDirectories: true)
        let socket = try NetlinkSocket()
        let (deleting, reclaiming) = (LinkNames.retired(), LinkNames.retired())
        for link in [deleting, reclaiming] { try socket.createBridge(named: link) }
        defer { for link in [deleting, reclaiming] { try? socket.deleteLink(named: link) } }
        #expect(FileManager.default.createFile(atPath: records + "/" + deleting + ".deleting", contents: nil))
        #expect(FileManager.default.createFile(atPath: records + "/" + reclaiming + ".reclaimed", contents: nil))

        let deleted = try LinkRetirement(recordDirectory: records).sweep(using: socket)
        #expect(Set(deleted) == [deleting, reclaiming])
        #expect(try FileManager.default.contentsOfDirectory(atPath: records).isEmpty)
    }
}

/// Polls `body` until it returns true or `seconds` pass.
private func eventually(_ seconds: Double, _ body: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if body() { return true }
        usleep(20_000)
    }
    return body()
}
