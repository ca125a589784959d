extension DecodeContext {
    /// A service's `networks:`, a list of names or a mapping with `aliases`/`ipv4_address`.
    mutating func serviceNetworks(_ node: StackNode, _ path: String) -> [String: ServiceNetwork] {
        let mapped = StackMerger.nameListAsMapping(node)
        guard let entries = entries(mapped, path, nil) else { return [:] }
        var result: [String: ServiceNetwork] = [:]
        for entry in entries {
            let keyPath = "\(path).\(entry.key)"
            var network = ServiceNetwork()
            for option in self.entries(entry.value, keyPath, .serviceNetwork) ?? [] where !option.value.isNull {
                switch option.key {
                case "aliases": network.aliases = stringList(option.value, "\(keyPath).aliases") ?? []
                case "ipv4_address":
                    network.ipv4Address = string(option.value, "\(keyPath).ipv4_address")
                    if let address = network.ipv4Address, IPv4.parse(address) == nil {
                        error(
                            "\(keyPath).ipv4_address: \"\(address)\" is not an IPv4 address", at: option.value.location)
                    }
                default: break
                }
            }
            result[entry.key] = network
        }
        return result
    }

    mutating func networkMode(_ node: StackNode, _ path: String) -> NetworkMode? {
        guard let text = string(node, path) else { return nil }
        switch text {
        case "bridge", "default": return .bridge
        case "host": return .host
        case "none": return NetworkMode.none
        default: break
        }
        if text.hasPrefix("container:") {
            let name = String(text.dropFirst("container:".count))
            guard Self.isValidContainerName(name) else {
                error(
                    "\(path): invalid container name \"\(name)\" in \"\(text)\"", at: node.location,
                    hint: "start with a letter or digit, then letters, digits, `_`, `.` or `-`")
                return nil
            }
            return .container(name)
        }
        if text.hasPrefix("service:") {
            let name = String(text.dropFirst("service:".count))
            guard !name.isEmpty else {
                error("\(path): \"\(text)\" names no service", at: node.location)
                return nil
            }
            return .service(name)
        }
        error(
            "\(path): unknown network mode \"\(text)\"", at: node.location,
            hint: "use bridge, host, none, container:NAME or service:NAME")
        return nil
    }

    mutating func dependencies(_ node: StackNode, _ path: String) -> [String: Dependency] {
        let mapped = StackMerger.nameListAsMapping(node)
        guard let entries = entries(mapped, path, nil) else { return [:] }
        var result: [String: Dependency] = [:]
        for entry in entries {
            let keyPath = "\(path).\(entry.key)"
            var dependency = Dependency()
            for option in self.entries(entry.value, keyPath, .dependency) ?? [] where !option.value.isNull {
                let optionPath = "\(keyPath).\(option.key)"
                switch option.key {
                case "condition":
                    guard let text = string(option.value, optionPath) else { continue }
                    if let condition = Dependency.Condition(rawValue: text) {
                        dependency.condition = condition
                    } else {
                        error(
                            "\(optionPath): unknown condition \"\(text)\"", at: option.value.location,
                            hint: "use service_started, service_healthy or service_completed_successfully")
                    }
                case "required": dependency.required = bool(option.value, optionPath) ?? true
                case "restart": dependency.restart = bool(option.value, optionPath) ?? false
                default: break
                }
            }
            result[entry.key] = dependency
        }
        return result
    }

    /// A top-level `networks:` entry.
    mutating func network(_ key: String, _ node: StackNode) -> Network {
        let path = "networks.\(key)"
        var network = Network(key: key, name: key)
        var explicitName: String?
        for entry in entries(node, path, .network) ?? [] where !entry.value.isNull {
            let keyPath = "\(path).\(entry.key)"
            switch entry.key {
            case "driver":
                guard let driver = string(entry.value, keyPath) else { continue }
                if driver != "bridge" {
                    error(
                        "\(keyPath): network driver \"\(driver)\" is not supported", at: entry.value.location,
                        hint: "swiftstack networks are Linux bridges; remove `driver` or set it to bridge")
                }
            case "internal": network.internal = bool(entry.value, keyPath) ?? false
            case "external": network.external = bool(entry.value, keyPath) ?? false
            case "name": explicitName = string(entry.value, keyPath)
            case "labels": network.labels = labels(entry.value, keyPath)
            case "ipam":
                for option in entries(entry.value, keyPath, .ipam) ?? [] where option.key == "config" {
                    network.ipam = ipamConfigs(option.value, "\(keyPath).config")
                }
            default: break
            }
        }
        network.name = explicitName ?? key
        return network
    }

    private mutating func ipamConfigs(_ node: StackNode, _ path: String) -> [IPAMConfig] {
        guard let items = node.items else {
            error("\(path) must be a list, found \(node.kindName)", at: node.location)
            return []
        }
        var result: [IPAMConfig] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path).\(index)"
            sourceMap.record(itemPath, item.location)
            var config = IPAMConfig()
            for entry in entries(item, itemPath, .ipamConfig) ?? [] where !entry.value.isNull {
                let keyPath = "\(itemPath).\(entry.key)"
                guard let text = string(entry.value, keyPath) else { continue }
                switch entry.key {
                case "subnet":
                    if IPv4.parseSubnet(text) == nil {
                        error(
                            "\(keyPath): \"\(text)\" is not an IPv4 subnet", at: entry.value.location,
                            hint: "write it as 10.121.5.0/24")
                    }
                    config.subnet = text
                case "gateway":
                    if IPv4.parse(text) == nil {
                        error("\(keyPath): \"\(text)\" is not an IPv4 address", at: entry.value.location)
                    }
                    config.gateway = text
                default: break
                }
            }
            if let subnet = config.subnet.flatMap(IPv4.parseSubnet), let gateway = config.gateway.flatMap(IPv4.parse),
                !IPv4.contains(subnet, gateway)
            {
                error(
                    "\(itemPath).gateway: \(config.gateway!) is not inside \(config.subnet!)",
                    at: sourceMap.location(of: "\(itemPath).gateway"))
            }
            result.append(config)
        }
        return result
    }

    /// A top-level `volumes:` entry.
    mutating func volume(_ key: String, _ node: StackNode) -> Volume {
        let path = "volumes.\(key)"
        var volume = Volume(key: key, name: key)
        var explicitName: String?
        for entry in entries(node, path, .volume) ?? [] where !entry.value.isNull {
            let keyPath = "\(path).\(entry.key)"
            switch entry.key {
            case "driver":
                guard let driver = string(entry.value, keyPath) else { continue }
                if driver != "local" {
                    error(
                        "\(keyPath): volume driver \"\(driver)\" is not supported", at: entry.value.location,
                        hint: "swiftstack volumes are local directories; remove `driver` or set it to local")
                }
            case "external": volume.external = bool(entry.value, keyPath) ?? false
            case "name": explicitName = string(entry.value, keyPath)
            case "labels": volume.labels = labels(entry.value, keyPath)
            default: break
            }
        }
        volume.name = explicitName ?? key
        return volume
    }
}
