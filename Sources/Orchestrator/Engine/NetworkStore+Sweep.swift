import Foundation
import Glibc
import Network

extension NetworkStore {
    /// What a sweep removed.
    public struct SweepReport: Sendable, Equatable {
        /// Bridges and host veth ends deleted.
        public var links: [String] = []
        /// Addresses (`network/container`) and subnets (`network`) given back to the pool.
        public var addresses: [String] = []
        /// Pinned network namespaces of containers that do not exist.
        public var namespaces: [String] = []

        public var isEmpty: Bool { links.isEmpty && addresses.isEmpty && namespaces.isEmpty }
    }

    /// Removes what a swiftstack killed between two steps left behind in this state root, and
    /// only that: the kernel links are found from our own state (never by scanning for our
    /// prefixes, which other state roots on the machine share), and every name is checked to
    /// have our shape before it is deleted.
    ///
    /// - A subnet reserved without a network record (a `create` killed before recording): its
    ///   bridge (`ssb-…`) and the reservation.
    /// - An address held for a container that does not exist: the host veth end
    ///   (`ssv-…`, when the namespace still holds it) and the address.
    /// - A pinned namespace of a container that does not exist (with its veth pair).
    /// - A retired bridge whose background deletion never finished.
    ///
    /// Projects whose `up`/`down` is running (their lock is held) keep their pinned namespaces.
    @discardableResult
    public func sweepLeftovers() throws -> SweepReport {
        try withLock(LOCK_EX) {
            var report = SweepReport()
            let containers = runtime.list()
            let names = Set(containers.map(\.name))
            let ids = Set(containers.map(\.id))
            let socket = try NetlinkSocket()

            report.links += try retirement.sweep(using: socket)
            let recorded = Set(records.all().map(\.name))
            for network in try allocator.leasedNetworks() where !recorded.contains(network) {
                report.links += try LinkSweeper.delete([LinkNames.bridge(network: network)], using: socket)
                try allocator.releaseNetwork(network)
                report.addresses.append(network)
            }

            let netnsRoot = runDirectory + "/netns"
            for project in (try? FileManager.default.contentsOfDirectory(atPath: netnsRoot)) ?? [] {
                guard let lock = ProjectLockProbe.tryLock(runDirectory: runDirectory, project: project) else {
                    continue
                }
                defer { close(lock) }
                let directory = "\(netnsRoot)/\(project)"
                for entry in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
                where !ids.contains(entry) {
                    NamespacePin.remove(at: "\(directory)/\(entry)")
                    report.namespaces.append("\(project)/\(entry)")
                }
            }

            for network in recorded.sorted() {
                for (container, _) in try allocator.allocations(network: network) where !names.contains(container) {
                    report.links += try LinkSweeper.delete(
                        [LinkNames.hostVeth(container: container, network: network)], using: socket)
                    try allocator.release(container: container, network: network)
                    report.addresses.append("\(network)/\(container)")
                }
            }
            return report
        }
    }
}

extension ProjectLockProbe {
    /// The project's lock taken without waiting (its descriptor; closing releases it), or nil
    /// when `up`/`down` holds it.
    static func tryLock(runDirectory: String, project: String) -> Int32? {
        let path = "\(runDirectory)/locks/\(project).lock"
        try? FileManager.default.createDirectory(
            atPath: runDirectory + "/locks", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            return nil
        }
        return fd
    }
}
