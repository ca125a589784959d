import CShim
import Foundation
import Glibc

/// Deletes links without making the caller wait for the kernel: deleting a link waits for RCU
/// (35–50 ms here; a bridge's deletion even holds the rtnl lock through an `rcu_barrier`,
/// stalling every other link or namespace operation on the machine meanwhile).
///
/// A retired link is taken out of service at once (down, and renamed to a random `ssr-` name so
/// that a network of the same name can be created again immediately), recorded as a file
/// named after it in `recordDirectory` (holding the link's former name), and deleted by a
/// forked child that removes the record once the kernel has acknowledged the deletion. The
/// child may first wait a grace period, during which a network created again under the former
/// name takes the link back (`reclaim`) instead of making a new one: a `down` followed by an
/// `up` then neither deletes nor creates a bridge. A record left behind (the child was killed,
/// the machine rebooted) names a link for `sweep`, so leftovers are found from our own state,
/// never by scanning for a prefix other state roots share.
public struct LinkRetirement: Sendable {
    /// Where the records of retired links are kept (one file per link).
    public let recordDirectory: String

    /// The suffixes a record takes when it is claimed: by its child, to delete the link; by
    /// `reclaim`, to take the link back.
    static let deletingSuffix = ".deleting"
    static let reclaimedSuffix = ".reclaimed"

    public init(recordDirectory: String) {
        self.recordDirectory = recordDirectory
    }

    /// Retires the link `name`, if it exists: deleted in the background after `grace`
    /// milliseconds, unless reclaimed first. Falls back to a synchronous deletion when the
    /// background child cannot be started. Returns the child's pid (nobody waits for it: a
    /// long-running caller reaps it, see `DetachedChildren`), nil when none was started.
    @discardableResult
    public func retire(_ name: String, using socket: NetlinkSocket, grace milliseconds: UInt32 = 0)
        throws(NetworkError) -> pid_t?
    {
        guard let link = try socket.link(named: name) else { return nil }
        let retired = LinkNames.retired()
        let record = recordDirectory + "/" + retired
        do {
            try FileManager.default.createDirectory(
                atPath: recordDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw NetworkError(.systemCall, "cannot create \(recordDirectory): \(error)")
        }
        // The record first: a crash after the rename must leave the link findable. Its flock,
        // handed to the background child, marks the deletion as under way (see `sweep`).
        let lock = open(record, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0, flock(lock, LOCK_EX) == 0, write(lock, name, name.utf8.count) == name.utf8.count else {
            if lock >= 0 { close(lock) }
            unlink(record)
            try socket.deleteLink(index: link.index)
            return nil
        }
        defer { close(lock) }
        do {
            try socket.setLink(index: link.index, up: false, name: retired)
        } catch {
            unlink(record)
            throw error
        }
        // Its addresses go now: the subnet may be handed to another network before the link
        // is deleted, and one address on two links confuses the host's local routes.
        for address in (try? socket.addresses(linkIndex: link.index)) ?? [] {
            try? socket.deleteAddress(address.address, prefixLength: address.prefixLength, linkIndex: link.index)
        }
        let remover = cshim_spawn_link_remover(
            retired, record, record + Self.deletingSuffix, record + Self.reclaimedSuffix, lock, milliseconds)
        guard remover > 0 else {
            try socket.deleteLink(named: retired)
            unlink(record)
            return nil
        }
        return remover
    }

    /// Takes back a link retired under `name` whose deletion has not begun, renamed to `name`
    /// again (still down, without addresses). nil when there is none.
    public func reclaim(_ name: String, using socket: NetlinkSocket) throws(NetworkError) -> Link? {
        let records = (try? FileManager.default.contentsOfDirectory(atPath: recordDirectory)) ?? []
        for retired in records where retired.hasPrefix(LinkNames.retiredPrefix) && LinkNames.isOurs(retired) {
            let record = recordDirectory + "/" + retired
            guard (try? String(contentsOfFile: record, encoding: .utf8)) == name else { continue }
            // The same race as the child's: whoever renames the record first owns the link.
            let claimed = record + Self.reclaimedSuffix
            guard rename(record, claimed) == 0 else { continue }
            defer { unlink(claimed) }
            // The link may be gone meanwhile (a sweep after a crash, its child after the state
            // root was removed): then a new one is made.
            guard let link = try socket.link(named: retired),
                (try? socket.setLink(index: link.index, up: false, name: name)) != nil
            else { continue }
            return try socket.link(named: name)
        }
        return nil
    }

    /// Deletes the links whose records remain and whose background deletion is no longer under
    /// way (its child died before finishing, or a reclaim was interrupted), and removes those
    /// records. Returns the names deleted. A record still locked by its child is left to it:
    /// deleting the same link here would only wait for the kernel in the caller, an `up` right
    /// after a `down`.
    @discardableResult
    public func sweep(using socket: NetlinkSocket) throws(NetworkError) -> [String] {
        let records = (try? FileManager.default.contentsOfDirectory(atPath: recordDirectory)) ?? []
        var abandoned: [(record: String, link: String, lock: Int32)] = []
        for record in records {
            let link = String(record.prefix { $0 != "." })
            guard link.hasPrefix(LinkNames.retiredPrefix), LinkNames.isOurs(link),
                [link, link + Self.deletingSuffix, link + Self.reclaimedSuffix].contains(record)
            else { continue }
            let lock = open(recordDirectory + "/" + record, O_RDONLY | O_CLOEXEC)
            guard lock >= 0 else { continue }
            guard flock(lock, LOCK_EX | LOCK_NB) == 0 else {
                close(lock)
                continue
            }
            abandoned.append((record, link, lock))
        }
        defer { for entry in abandoned { close(entry.lock) } }
        guard !abandoned.isEmpty else { return [] }
        let deleted = try LinkSweeper.delete(Array(Set(abandoned.map(\.link))).sorted(), using: socket)
        let existing = Set(try socket.links().map(\.name))
        for entry in abandoned where !existing.contains(entry.link) {
            unlink(recordDirectory + "/" + entry.record)
        }
        return deleted
    }
}
