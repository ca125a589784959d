import Foundation
import Glibc
import Planner

/// The project's networks and volumes as recorded on disk: one JSON file each, written
/// atomically, under `<stateRoot>/networks` or `<stateRoot>/volumes/<name>/`.
struct ResourceRecord: Codable, Equatable {
    var name: String
    var project: String
    var configHash: String
    var fields: [ConfigField]
    /// Networks: subnet and gateway as given to the bridge.
    var subnet: String?
    var gateway: String?
    var `internal`: Bool?
    /// Networks: when it was made (nil in records older than this field).
    var created: Date?

    var observed: ObservedResource { ObservedResource(name: name, configHash: configHash, fields: fields) }
}

/// A directory of resource records.
struct ResourceRecords {
    let directory: String
    /// The record's file for `name`; volumes keep theirs beside their data.
    let path: (String) -> String

    func all() -> [ResourceRecord] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        // Dot names are work in progress (a volume being removed), never records.
        return names.filter { !$0.hasPrefix(".") }.sorted().compactMap {
            load($0.hasSuffix(".json") ? String($0.dropLast(5)) : $0)
        }
    }

    func load(_ name: String) -> ResourceRecord? {
        guard let data = FileManager.default.contents(atPath: path(name)) else { return nil }
        return try? JSONDecoder().decode(ResourceRecord.self, from: data)
    }

    func save(_ record: ResourceRecord) throws {
        try FileManager.default.createDirectory(
            atPath: (path(record.name) as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        try AtomicFile.write(json: record, to: path(record.name))
    }

    func remove(_ name: String) {
        unlink(path(name))
    }
}
