import CShim
import Foundation
import Glibc

/// Deletes links without making the caller wait for the kernel: deleting a link waits for an
/// RCU grace period (35–50 ms here), most of what `down` would otherwise spend.
///
/// A retired link is taken out of service at once (down, and renamed to a random `ssr-` name so
/// that a network of the same name can be created again immediately), recorded as a file
/// named after it in `recordDirectory`, and deleted by a forked child that removes the record
/// once the kernel has acknowledged the deletion. A record left behind (the child was killed,
/// the machine rebooted) names a link for `sweep`, so leftovers are found from our own state,
/// never by scanning for a prefix other state roots share.
public struct LinkRetirement: Sendable {
    /// Where the records of retired links are kept (one empty file per link).
    public let recordDirectory: String

    public init(recordDirectory: String) {
        self.recordDirectory = recordDirectory
    }

    /// Retires the link `name`, if it exists. Falls back to a synchronous deletion when the
    /// background child cannot be started.
    public func retire(_ name: String, using socket: NetlinkSocket) throws(NetworkError) {
        guard let link = try socket.link(named: name) else { return }
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
        guard lock >= 0, flock(lock, LOCK_EX) == 0 else {
            if lock >= 0 { close(lock) }
            unlink(record)
            try socket.deleteLink(index: link.index)
            return
        }
        defer { close(lock) }
        do {
            try socket.setLink(index: link.index, up: false, name: retired)
        } catch {
            unlink(record)
            throw error
        }
        if cshim_spawn_link_remover(retired, record, lock) < 0 {
            try socket.deleteLink(named: retired)
            unlink(record)
        }
    }

    /// Deletes the links whose records remain and whose background deletion is no longer under
    /// way (its child died before finishing), and removes those records. Returns the names
    /// deleted. A record still locked by its child is left to it: deleting the same link here
    /// would only wait for the kernel (tens of milliseconds) in the caller, an `up` right
    /// after a `down`.
    @discardableResult
    public func sweep(using socket: NetlinkSocket) throws(NetworkError) -> [String] {
        let records = (try? FileManager.default.contentsOfDirectory(atPath: recordDirectory)) ?? []
        var abandoned: [(name: String, lock: Int32)] = []
        for name in records where name.hasPrefix(LinkNames.retiredPrefix) && LinkNames.isOurs(name) {
            let lock = open(recordDirectory + "/" + name, O_RDONLY | O_CLOEXEC)
            guard lock >= 0 else { continue }
            guard flock(lock, LOCK_EX | LOCK_NB) == 0 else {
                close(lock)
                continue
            }
            abandoned.append((name, lock))
        }
        defer { for record in abandoned { close(record.lock) } }
        guard !abandoned.isEmpty else { return [] }
        let names = abandoned.map(\.name)
        let deleted = try LinkSweeper.delete(names, using: socket)
        let existing = Set(try socket.links().map(\.name))
        for name in names where !existing.contains(name) {
            unlink(recordDirectory + "/" + name)
        }
        return deleted
    }
}
