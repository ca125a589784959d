import Planner
import StackFile

/// Builds projects for planner tests without going through YAML.
func makeProject(
    _ services: [Service], name: String = "demo", networks: [String] = ["default"], volumes: [String] = []
) -> Project {
    var project = Project(name: name, workingDirectory: "/srv/\(name)")
    for service in services { project.services[service.name] = service }
    for key in networks { project.networks[key] = Network(key: key, name: "\(name)_\(key)") }
    for key in volumes { project.volumes[key] = Volume(key: key, name: "\(name)_\(key)") }
    return project
}

/// A service on the default network, configured by `configure`.
func makeService(_ name: String, image: String? = "busybox", _ configure: (inout Service) -> Void = { _ in })
    -> Service
{
    var service = Service(name: name)
    service.image = image
    service.networks = ["default": ServiceNetwork()]
    configure(&service)
    return service
}

/// What would be observed if `desired` had been applied exactly.
func observedMatching(_ desired: DesiredState, images: [String: String]? = nil) -> ObservedState {
    ObservedState(
        containers: desired.containers.map {
            ObservedContainer(
                name: $0.name, service: $0.service, index: $0.index, configHash: $0.configHash,
                fields: $0.fields, imageID: images?[$0.image] ?? "sha256:1111", status: .running)
        },
        networks: desired.networks.filter { !$0.external }.map {
            ObservedResource(name: $0.name, configHash: $0.configHash, fields: $0.fields)
        },
        volumes: desired.volumes.filter { !$0.external }.map {
            ObservedResource(name: $0.name, configHash: $0.configHash, fields: $0.fields)
        },
        images: images
            ?? Dictionary(desired.containers.map { ($0.image, "sha256:1111") }, uniquingKeysWith: { a, _ in a })
    )
}

extension ObservedState {
    /// A copy with the container `name` changed by `change`.
    func with(_ name: String, _ change: (inout ObservedContainer) -> Void) -> ObservedState {
        var copy = self
        for index in copy.containers.indices where copy.containers[index].name == name {
            change(&copy.containers[index])
        }
        return copy
    }
}
