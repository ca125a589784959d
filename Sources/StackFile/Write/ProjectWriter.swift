/// Prints a project as `docker compose config` does: long syntax, interpolated, defaults
/// filled, keys sorted.
public enum ProjectWriter {
    public static func yaml(_ project: Project) -> String {
        document(project).yaml()
    }

    public static func json(_ project: Project) -> String {
        document(project).json() + "\n"
    }

    static func document(_ project: Project) -> OutputValue {
        var root: [String: OutputValue] = [
            "name": .string(project.name),
            "services": .mapping(project.services.mapValues(service)),
        ]
        if !project.networks.isEmpty { root["networks"] = .mapping(project.networks.mapValues(network)) }
        if !project.volumes.isEmpty { root["volumes"] = .mapping(project.volumes.mapValues(volume)) }
        return .mapping(root)
    }

    private static func strings(_ values: [String]) -> OutputValue { .list(values.map(OutputValue.string)) }
    private static func stringMap(_ values: [String: String]) -> OutputValue {
        .mapping(values.mapValues(OutputValue.string))
    }

    static func service(_ service: Service) -> OutputValue {
        var out: [String: OutputValue] = ["restart": .string(service.restart.description)]
        func set(_ key: String, _ value: OutputValue?) { if let value { out[key] = value } }
        func setList(_ key: String, _ values: [String]) { if !values.isEmpty { out[key] = strings(values) } }
        func setMap(_ key: String, _ values: [String: String]) { if !values.isEmpty { out[key] = stringMap(values) } }

        set("image", service.image.map(OutputValue.string))
        if let build = service.build {
            var buildOut: [String: OutputValue] = [
                "context": .string(build.context), "dockerfile": .string(build.dockerfile),
            ]
            if let target = build.target { buildOut["target"] = .string(target) }
            if !build.args.isEmpty { buildOut["args"] = stringMap(build.args) }
            if !build.labels.isEmpty { buildOut["labels"] = stringMap(build.labels) }
            out["build"] = .mapping(buildOut)
        }
        set("command", service.command.map(strings))
        set("entrypoint", service.entrypoint.map(strings))
        setMap("environment", service.environment)
        if !service.envFiles.isEmpty {
            out["env_file"] = .list(
                service.envFiles.map { .mapping(["path": .string($0.path), "required": .bool($0.required)]) })
        }
        if !service.ports.isEmpty { out["ports"] = .list(service.ports.flatMap(ports)) }
        setList("expose", service.expose)
        if !service.volumes.isEmpty { out["volumes"] = .list(service.volumes.map(volumeMount)) }
        setList("tmpfs", service.tmpfs)
        if !service.networks.isEmpty {
            out["networks"] = .mapping(
                service.networks.mapValues { attachment in
                    var value: [String: OutputValue] = [:]
                    if !attachment.aliases.isEmpty { value["aliases"] = strings(attachment.aliases) }
                    if let address = attachment.ipv4Address { value["ipv4_address"] = .string(address) }
                    return value.isEmpty ? .null : .mapping(value)
                })
        }
        set("network_mode", service.networkMode.map { .string($0.description) })
        if !service.dependsOn.isEmpty {
            out["depends_on"] = .mapping(
                service.dependsOn.mapValues {
                    .mapping([
                        "condition": .string($0.condition.rawValue), "required": .bool($0.required),
                        "restart": .bool($0.restart),
                    ])
                })
        }
        if let check = service.healthcheck {
            var value: [String: OutputValue] = [
                "interval": .string(check.interval.description), "timeout": .string(check.timeout.description),
                "retries": .int(Int64(check.retries)), "start_period": .string(check.startPeriod.description),
                "start_interval": .string(check.startInterval.description),
            ]
            if let test = check.test { value["test"] = strings(test) }
            if check.disable { value["disable"] = .bool(true) }
            out["healthcheck"] = .mapping(value)
        }
        set("deploy", service.deploy.map(deploy))
        set("scale", service.scale.map { .int(Int64($0)) })
        set("container_name", service.containerName.map(OutputValue.string))
        set("hostname", service.hostname.map(OutputValue.string))
        set("working_dir", service.workingDir.map(OutputValue.string))
        set("user", service.user.map(OutputValue.string))
        setMap("labels", service.labels)
        set("stop_signal", service.stopSignal.map(OutputValue.string))
        set("stop_grace_period", service.stopGracePeriod.map { .string($0.description) })
        set("init", service.initProcess.map(OutputValue.bool))
        if service.readOnly { out["read_only"] = .bool(true) }
        setList("cap_add", service.capAdd)
        setList("cap_drop", service.capDrop)
        setList("extra_hosts", service.extraHosts.map { "\($0.hostname)=\($0.address)" })
        setList("profiles", service.profiles)
        return .mapping(out)
    }

    /// One entry per port, as Compose expands ranges.
    private static func ports(_ port: Port) -> [OutputValue] {
        let count = (port.targetEnd ?? port.target) - port.target + 1
        return (0..<count).map { offset in
            var value: [String: OutputValue] = [
                "mode": .string("ingress"), "target": .int(Int64(port.target + offset)),
                "protocol": .string(port.transportProtocol.rawValue),
            ]
            if let published = port.published {
                if port.targetEnd != nil {
                    value["published"] = .string(String(published + offset))
                } else if let end = port.publishedEnd {
                    value["published"] = .string("\(published)-\(end)")
                } else {
                    value["published"] = .string(String(published))
                }
            }
            if let hostIP = port.hostIP { value["host_ip"] = .string(hostIP) }
            return .mapping(value)
        }
    }

    private static func volumeMount(_ volume: ServiceVolume) -> OutputValue {
        var value: [String: OutputValue] = ["type": .string(volume.type.rawValue), "target": .string(volume.target)]
        if let source = volume.source { value["source"] = .string(source) }
        if volume.readOnly { value["read_only"] = .bool(true) }
        if volume.type == .bind { value["bind"] = .mapping(["create_host_path": .bool(volume.createHostPath)]) }
        if let size = volume.tmpfsSize { value["tmpfs"] = .mapping(["size": .int(size)]) }
        return .mapping(value)
    }

    private static func deploy(_ deploy: Deploy) -> OutputValue {
        var value: [String: OutputValue] = [:]
        if let replicas = deploy.replicas { value["replicas"] = .int(Int64(replicas)) }
        var limits: [String: OutputValue] = [:]
        if let cpus = deploy.limits.cpus { limits["cpus"] = .double(cpus) }
        if let memory = deploy.limits.memory { limits["memory"] = .int(memory) }
        if let pids = deploy.limits.pids { limits["pids"] = .int(Int64(pids)) }
        if !limits.isEmpty { value["resources"] = .mapping(["limits": .mapping(limits)]) }
        if let policy = deploy.restartPolicy {
            var out: [String: OutputValue] = [
                "condition": .string(policy.condition.rawValue), "delay": .string(policy.delay.description),
            ]
            if let attempts = policy.maxAttempts { out["max_attempts"] = .int(Int64(attempts)) }
            if let window = policy.window { out["window"] = .string(window.description) }
            value["restart_policy"] = .mapping(out)
        }
        if let config = deploy.updateConfig { value["update_config"] = updateConfig(config) }
        if let config = deploy.rollbackConfig { value["rollback_config"] = updateConfig(config) }
        return .mapping(value)
    }

    private static func updateConfig(_ config: UpdateConfig) -> OutputValue {
        .mapping([
            "parallelism": .int(Int64(config.parallelism)), "delay": .string(config.delay.description),
            "failure_action": .string(config.failureAction.rawValue), "monitor": .string(config.monitor.description),
            "max_failure_ratio": .double(config.maxFailureRatio), "order": .string(config.order.rawValue),
        ])
    }

    private static func network(_ network: Network) -> OutputValue {
        var value: [String: OutputValue] = ["name": .string(network.name)]
        if network.external {
            value["external"] = .bool(true)
            return .mapping(value)
        }
        value["driver"] = .string(network.driver)
        if network.internal { value["internal"] = .bool(true) }
        if !network.ipam.isEmpty {
            value["ipam"] = .mapping([
                "config": .list(
                    network.ipam.map { config in
                        var entry: [String: OutputValue] = [:]
                        if let subnet = config.subnet { entry["subnet"] = .string(subnet) }
                        if let gateway = config.gateway { entry["gateway"] = .string(gateway) }
                        return .mapping(entry)
                    })
            ])
        }
        if !network.labels.isEmpty { value["labels"] = stringMap(network.labels) }
        return .mapping(value)
    }

    private static func volume(_ volume: Volume) -> OutputValue {
        var value: [String: OutputValue] = ["name": .string(volume.name)]
        if volume.external { value["external"] = .bool(true) }
        if !volume.labels.isEmpty { value["labels"] = stringMap(volume.labels) }
        return .mapping(value)
    }
}
