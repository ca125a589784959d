import Foundation
import Glibc

/// Per-container directories under `<stateRoot>/containers/<id>/`, names under
/// `<stateRoot>/names/<name>` (a symlink to the id: creating it is the atomic uniqueness check).
struct ContainerStore {
    let root: String
    var containersDirectory: String { root + "/containers" }
    var namesDirectory: String { root + "/names" }

    func directory(of id: String) -> String { containersDirectory + "/" + id }

    /// Reserves `name` for `id`; fails when another container has it.
    func reserve(name: String, id: String) throws {
        try makeDirectories(namesDirectory, mode: 0o700)
        if symlink(id, namesDirectory + "/" + name) != 0 {
            if errno == EEXIST {
                throw RuntimeError(
                    .alreadyExists,
                    "the container name '\(name)' is already in use; remove that container (swiftstack rm -f \(name)) or choose another --name"
                )
            }
            throw systemError("reserve name", namesDirectory + "/" + name)
        }
    }

    func release(name: String, id: String) {
        let path = namesDirectory + "/" + name
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path), target == id {
            unlink(path)
        }
    }

    /// The id for a name, a full id, or a unique id prefix.
    func resolve(_ nameOrID: String) throws -> String {
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: namesDirectory + "/" + nameOrID) {
            return target
        }
        if !nameOrID.isEmpty, !nameOrID.contains("/"), fileExists(directory(of: nameOrID) + "/config.json") {
            return nameOrID
        }
        let ids = allIDs().filter { $0.hasPrefix(nameOrID) }
        if ids.count == 1, nameOrID.count >= 3 { return ids[0] }
        throw RuntimeError(.notFound, "no such container: \(nameOrID) (see swiftstack ps -a)")
    }

    func allIDs() -> [String] {
        // Dot-entries are containers being removed (`.removing-<id>`), never listed.
        ((try? FileManager.default.contentsOfDirectory(atPath: containersDirectory)) ?? [])
            .filter { !$0.hasPrefix(".") && fileExists(directory(of: $0) + "/config.json") }
    }

    func load(_ id: String) throws -> Container {
        let dir = directory(of: id)
        do {
            let specBytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/config.json"))
            let stateBytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/state.json"))
            // By hand first (no Codable first-use cost); JSONDecoder for anything else, and for
            // its message.
            let spec =
                try (try? ContainerSpec(json: Array(specBytes)))
                ?? Self.decoder.decode(ContainerSpec.self, from: specBytes)
            let state =
                try ContainerState(json: Array(stateBytes))
                ?? Self.decoder.decode(ContainerState.self, from: stateBytes)
            return Container(spec: spec, state: state, directory: dir)
        } catch {
            throw RuntimeError(.notFound, "container \(id) has no readable state in \(dir): \(error)")
        }
    }

    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    /// Ephemeral containers (`--rm`) skip fsync: their state is deleted at exit anyway, and a
    /// power loss ends them too. Replacement stays atomic (temp + rename) for every container.
    func save(_ spec: ContainerSpec, in dir: String) throws {
        try AtomicFile.write(Data(spec.encodedJSON()), to: dir + "/config.json", durable: !spec.autoRemove)
    }

    func save(_ state: ContainerState, of container: Container) throws {
        try AtomicFile.write(Data(state.encodedJSON()), to: container.statePath, durable: !container.spec.autoRemove)
    }
}
