import Foundation
import Planner

/// Reads the actual state of a project from the engine: the containers' own labels and the
/// kernel's view of their processes, never memory.
public struct Observer: Sendable {
    public let engine: any ContainerEngine

    public init(engine: any ContainerEngine) { self.engine = engine }

    /// The project's actual state, with the local ids of `images`.
    public func observe(project: String, images: [String] = []) throws -> ObservedState {
        let containers = try engine.containers(project: project).compactMap(Self.observed)
        var imageIDs: [String: String] = [:]
        for reference in Set(images) { imageIDs[reference] = engine.imageID(reference) }
        return ObservedState(
            containers: containers, networks: try engine.networks(project: project),
            volumes: try engine.volumes(project: project), images: imageIDs)
    }

    /// A container's observed record from its labels; nil for one without a service label and
    /// for one-off containers.
    static func observed(_ container: EngineContainer) -> ObservedContainer? {
        let labels = container.labels
        guard let service = labels[ProjectLabels.service], !ProjectLabels.isOneOff(labels) else { return nil }
        let fields =
            labels[ProjectLabels.configFields].flatMap {
                try? JSONDecoder().decode([ConfigField].self, from: Data($0.utf8))
            }
            ?? []
        return ObservedContainer(
            name: container.name, service: service, index: Int(labels[ProjectLabels.index] ?? "") ?? 1,
            configHash: labels[ProjectLabels.configHash] ?? "", fields: fields,
            imageID: labels[ProjectLabels.imageID], status: container.status)
    }

    /// The labels that let `observed` read a container back.
    public static func labels(project: String, container: DesiredContainer, imageID: String?) -> [String: String] {
        var labels = [
            ProjectLabels.project: project,
            ProjectLabels.service: container.service,
            ProjectLabels.index: "\(container.index)",
            ProjectLabels.configHash: container.configHash,
        ]
        if let data = try? JSONEncoder().encode(container.fields) {
            labels[ProjectLabels.configFields] = String(decoding: data, as: UTF8.self)
        }
        if let imageID { labels[ProjectLabels.imageID] = imageID }
        // Replica 0 is how the executor asks for a one-off (`run SERVICE`).
        if container.index == 0 { labels[ProjectLabels.oneOff] = "true" }
        return labels
    }
}
