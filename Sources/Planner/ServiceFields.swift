import StackFile

/// The normal form of a service's containers: each field that matters to a running
/// container, as a dotted path and a canonical string, with what a change of it requires.
///
/// Fields with no effect on a running container are left out on purpose: `depends_on`,
/// `deploy.replicas`, `scale`, `profiles`, `deploy.update_config` and
/// `deploy.rollback_config` change the plan, never a container.
enum ServiceFields {
    static func normalForm(_ service: Service, project: Project) -> [ConfigField] {
        var fields: [ConfigField] = []
        func add(_ path: String, _ value: String?, _ effect: ChangeEffect = .recreate) {
            if let value { fields.append(ConfigField(path, value, effect)) }
        }
        func addList(_ path: String, _ values: [String]?, _ effect: ChangeEffect = .recreate) {
            if let values { add(path, Canonical.list(values), effect) }
        }

        add("image", DesiredState.imageReference(service, project: project))
        if let build = service.build {
            add("build.context", build.context)
            add("build.dockerfile", build.dockerfile)
            add("build.target", build.target)
            for (key, value) in build.args { add("build.args.\(key)", value) }
        }
        addList("command", service.command)
        addList("entrypoint", service.entrypoint)
        for (key, value) in service.environment { add("environment.\(key)", value) }
        for (index, port) in service.ports.enumerated() { add("ports.\(index)", Canonical.port(port)) }
        if !service.expose.isEmpty { addList("expose", service.expose) }
        for volume in service.volumes { add("volumes.\(volume.target)", Canonical.volume(volume)) }
        if !service.tmpfs.isEmpty { addList("tmpfs", service.tmpfs) }
        for (key, attachment) in service.networks {
            let name = project.networks[key]?.name ?? key
            add("networks.\(name).aliases", Canonical.list(attachment.aliases.sorted()))
            add("networks.\(name).ipv4_address", attachment.ipv4Address)
        }
        add("network_mode", service.networkMode.map { "\($0)" })
        if let healthcheck = service.healthcheck {
            addList("healthcheck.test", healthcheck.test)
            add("healthcheck.interval", "\(healthcheck.interval)")
            add("healthcheck.timeout", "\(healthcheck.timeout)")
            add("healthcheck.retries", "\(healthcheck.retries)")
            add("healthcheck.start_period", "\(healthcheck.startPeriod)")
            add("healthcheck.start_interval", "\(healthcheck.startInterval)")
            add("healthcheck.disable", healthcheck.disable ? "true" : nil)
        }
        add("container_name", service.containerName)
        add("hostname", service.hostname)
        add("working_dir", service.workingDir)
        add("user", service.user)
        for (key, value) in service.labels { add("labels.\(key)", value) }
        add("stop_signal", service.stopSignal)
        add("init", service.initProcess.map { $0 ? "true" : "false" })
        add("read_only", service.readOnly ? "true" : nil)
        if !service.capAdd.isEmpty { addList("cap_add", service.capAdd.sorted()) }
        if !service.capDrop.isEmpty { addList("cap_drop", service.capDrop.sorted()) }
        if !service.extraHosts.isEmpty {
            addList("extra_hosts", service.extraHosts.map { "\($0.hostname):\($0.address)" }.sorted())
        }

        // A cgroup limit, the restart policy and the stop timeout reach a running
        // container without replacing it.
        let limits = service.deploy?.limits
        add("deploy.resources.limits.cpus", limits?.cpus.map { Canonical.number($0) }, .inPlace)
        add("deploy.resources.limits.memory", limits?.memory.map { "\($0)" }, .inPlace)
        add("deploy.resources.limits.pids", limits?.pids.map { "\($0)" }, .inPlace)
        add("restart", service.restart == .no ? nil : "\(service.restart)", .inPlace)
        if let policy = service.deploy?.restartPolicy {
            add("deploy.restart_policy.condition", policy.condition.rawValue, .inPlace)
            add("deploy.restart_policy.delay", "\(policy.delay)", .inPlace)
            add("deploy.restart_policy.max_attempts", policy.maxAttempts.map { "\($0)" }, .inPlace)
            add("deploy.restart_policy.window", policy.window.map { "\($0)" }, .inPlace)
        }
        add("stop_grace_period", service.stopGracePeriod.map { "\($0)" }, .inPlace)
        return fields.sorted { $0.path < $1.path }
    }
}

/// The normal form of networks and volumes.
enum ResourceFields {
    static func network(_ network: Network) -> [ConfigField] {
        var fields = [
            ConfigField("driver", network.driver),
            ConfigField("internal", network.internal ? "true" : "false"),
            ConfigField("external", network.external ? "true" : "false"),
        ]
        for (index, config) in network.ipam.enumerated() {
            if let subnet = config.subnet { fields.append(ConfigField("ipam.\(index).subnet", subnet)) }
            if let gateway = config.gateway { fields.append(ConfigField("ipam.\(index).gateway", gateway)) }
        }
        for (key, value) in network.labels { fields.append(ConfigField("labels.\(key)", value)) }
        return fields.sorted { $0.path < $1.path }
    }

    static func volume(_ volume: Volume) -> [ConfigField] {
        var fields = [ConfigField("external", volume.external ? "true" : "false")]
        for (key, value) in volume.labels { fields.append(ConfigField("labels.\(key)", value)) }
        return fields.sorted { $0.path < $1.path }
    }
}

/// Canonical spellings used by the normal form. They must never change without a bump of
/// `ConfigHash.schemaVersion`.
enum Canonical {
    /// A JSON-style array of strings: unambiguous whatever the items contain.
    static func list(_ values: [String]) -> String {
        "[" + values.map(quote).joined(separator: ",") + "]"
    }

    static func quote(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func port(_ port: Port) -> String {
        var out = ""
        if let hostIP = port.hostIP { out += "\(hostIP):" }
        if let published = port.published {
            out += "\(published)"
            if let end = port.publishedEnd { out += "-\(end)" }
            out += ":"
        }
        out += "\(port.target)"
        if let end = port.targetEnd { out += "-\(end)" }
        return out + "/\(port.transportProtocol.rawValue)"
    }

    static func volume(_ volume: ServiceVolume) -> String {
        var parts = [volume.type.rawValue, volume.source ?? "", volume.readOnly ? "ro" : "rw"]
        if let size = volume.tmpfsSize { parts.append("size=\(size)") }
        if volume.createHostPath { parts.append("create_host_path") }
        return parts.joined(separator: ":")
    }

    /// A number without a trailing `.0` for whole values.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? "\(Int64(value))" : "\(value)"
    }
}
