extension DecodeContext {
    mutating func project(_ tree: StackNode) -> DecodedProject {
        var project = DecodedProject()
        guard let entries = entries(tree, "", .topLevel) else { return project }
        for entry in entries where !entry.value.isNull {
            switch entry.key {
            case "name":
                project.name = string(entry.value, "name")
                project.nameLocation = entry.value.location
            case "services":
                for service in self.entries(entry.value, "services", nil) ?? [] {
                    checkServiceName(service.key, at: service.keyLocation)
                    if service.value.isNull {
                        error(
                            "service \(service.key) has no definition", at: service.keyLocation,
                            hint: "give it at least an `image`")
                        continue
                    }
                    project.services[service.key] = self.service(service.key, service.value)
                }
            case "networks":
                for network in self.entries(entry.value, "networks", nil) ?? [] where !network.key.hasPrefix("x-") {
                    project.networks[network.key] = self.network(network.key, network.value)
                }
            case "volumes":
                for volume in self.entries(entry.value, "volumes", nil) ?? [] where !volume.key.hasPrefix("x-") {
                    if !Self.isValidContainerName(volume.key) {
                        error(
                            "invalid volume name \"\(volume.key)\"", at: volume.keyLocation,
                            hint: "start with a letter or digit, then letters, digits, `_`, `.` or `-`")
                    }
                    project.volumes[volume.key] = self.volume(volume.key, volume.value)
                }
            default: break
            }
        }
        if tree.entries != nil, tree["services"] == nil {
            error(
                "no `services` defined", at: tree.location,
                hint: "a stack file declares its containers under `services:`")
        }
        return project
    }
}
