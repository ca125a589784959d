import Foundation
import Network

extension RuntimeEngine {
    /// Removes what a swiftstack killed between two steps can leave behind: network namespaces
    /// pinned for the project's containers that were never created (or are gone), addresses
    /// held in the project's networks by containers that no longer exist, and volumes whose
    /// removal did not finish. Call it under the project's lock.
    public func collectLeftovers(project: String) throws {
        let containers = runtime.list()
        let ids = Set(containers.map(\.id))
        let netnsDirectory = "\(runDirectory)/netns/\(project)"
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: netnsDirectory)) ?? []
        where !ids.contains(entry) {
            NamespacePin.remove(at: "\(netnsDirectory)/\(entry)")
        }
        let names = Set(containers.map(\.name))
        for network in networkRecords.all() where network.project == project {
            for (container, _) in (try? allocator.allocations(network: network.name)) ?? [:]
            where !names.contains(container) {
                try? allocator.release(container: container, network: network.name)
            }
        }
        // Volumes whose removal was killed half-way (renamed to `.removing-NAME` first).
        let volumes = stateRoot + "/volumes"
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: volumes)) ?? []
        where entry.hasPrefix(".removing-") {
            try? FileManager.default.removeItem(atPath: "\(volumes)/\(entry)")
        }
        // Then what any killed command left in this state root (bridges of networks never
        // recorded, veths and addresses of containers that are gone).
        try networkStore.sweepLeftovers()
    }
}
