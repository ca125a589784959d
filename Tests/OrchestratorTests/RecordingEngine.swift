import Foundation
import Orchestrator
import Planner
import StackFile

/// A test double of the engine: keeps containers, volumes and networks in memory and records
/// every call, so the executor's ordering and the observer's reading are tested without root.
final class RecordingEngine: ContainerEngine, @unchecked Sendable {
    private let lock = NSLock()
    private(set) var calls: [String] = []
    private var records: [String: EngineContainer] = [:]
    private var volumeRecords: [String: ObservedResource] = [:]
    private var networkRecords: [String: ObservedResource] = [:]
    /// Health probe results by container name (default healthy).
    var healthy: [String: Bool] = [:]
    /// Exit code a container gets when started, by name (default: keeps running).
    var exitOnStart: [String: Int] = [:]
    var images: [String: String] = [:]

    private func record(_ call: String) { lock.withLock { calls.append(call) } }

    /// Containers that exit (code 1) once listed this many more times while running: a
    /// replica that crashes a while after it started.
    var crashAfterListings: [String: Int] = [:]

    func containers(project: String) throws -> [EngineContainer] {
        lock.withLock {
            for (name, remaining) in crashAfterListings where records[name]?.status == .running {
                if remaining <= 0 {
                    records[name]?.status = .exited(code: 1)
                    crashAfterListings[name] = nil
                } else {
                    crashAfterListings[name] = remaining - 1
                }
            }
            return records.values.filter { $0.labels[ProjectLabels.project] == project }.sorted { $0.name < $1.name }
        }
    }

    func imageID(_ reference: String) -> String? { images[reference] }

    func buildImage(_ reference: String, build: Build) throws {
        record("build \(reference)")
        lock.withLock { images[reference] = "sha256:built-" + reference }
    }

    func create(_ request: ContainerRequest) throws {
        record("create \(request.desired.name)")
        let labels = Observer.labels(
            project: request.project.name, container: request.desired, imageID: images[request.desired.image])
        lock.withLock {
            records[request.desired.name] = EngineContainer(
                name: request.desired.name, labels: labels, status: .created)
        }
    }

    func start(_ name: String) throws {
        record("start \(name)")
        lock.withLock {
            records[name]?.status = exitOnStart[name].map { .exited(code: $0) } ?? .running
        }
    }

    func stop(_ name: String, timeoutSeconds: Int) throws {
        record("stop \(name)")
        lock.withLock { records[name]?.status = .exited(code: 0) }
    }

    func remove(_ name: String, timeoutSeconds: Int) throws {
        record("remove \(name)")
        lock.withLock { records[name] = nil }
    }

    func update(_ name: String, limits: ResourceLimits) throws {
        record("update \(name) memory=\(limits.memory.map(String.init) ?? "-")")
    }

    func check(_ name: String, command: [String], timeoutSeconds: Double) -> Int32 {
        record("check \(name)")
        return lock.withLock { healthy[name] ?? true } ? 0 : 1
    }

    func volumes(project: String) throws -> [ObservedResource] { lock.withLock { Array(volumeRecords.values) } }

    func createVolume(_ name: String, project: String, fields: [ConfigField], configHash: String) throws {
        record("create volume \(name)")
        lock.withLock { volumeRecords[name] = ObservedResource(name: name, configHash: configHash, fields: fields) }
    }

    func removeVolume(_ name: String) throws {
        record("remove volume \(name)")
        lock.withLock { volumeRecords[name] = nil }
    }

    func collectLeftovers(project: String) throws { record("collect leftovers") }

    func networks(project: String) throws -> [ObservedResource] { lock.withLock { Array(networkRecords.values) } }

    func createNetwork(_ name: String, project: String, fields: [ConfigField], configHash: String) throws {
        record("create network \(name)")
        lock.withLock { networkRecords[name] = ObservedResource(name: name, configHash: configHash, fields: fields) }
    }

    func removeNetwork(_ name: String) throws {
        record("remove network \(name)")
        lock.withLock { networkRecords[name] = nil }
    }
}
