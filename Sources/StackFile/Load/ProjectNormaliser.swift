/// Fills in what Compose derives rather than reads: real names of networks and volumes,
/// the implicit `default` network, and the dependency that `network_mode: service:X` implies.
enum ProjectNormaliser {
    static func normalise(_ project: inout Project) {
        for (key, var network) in project.networks {
            if project.sourceMap.locations["networks.\(key).name"] == nil, !network.external {
                network.name = "\(project.name)_\(key)"
            }
            project.networks[key] = network
        }
        for (key, var volume) in project.volumes {
            if project.sourceMap.locations["volumes.\(key).name"] == nil, !volume.external {
                volume.name = "\(project.name)_\(key)"
            }
            project.volumes[key] = volume
        }
        if project.networks["default"] == nil,
            project.services.values.contains(where: { $0.networks["default"] != nil })
        {
            project.networks["default"] = Network(key: "default", name: "\(project.name)_default")
        }
        for (name, var service) in project.services {
            // Joining another service's network namespace needs that service's container first,
            // and a new one whenever it is replaced.
            if case .service(let owner)? = service.networkMode, owner != name, service.dependsOn[owner] == nil,
                project.services[owner] != nil
            {
                service.dependsOn[owner] = Dependency(condition: .serviceStarted, required: true, restart: true)
            }
            project.services[name] = service
        }
    }
}
