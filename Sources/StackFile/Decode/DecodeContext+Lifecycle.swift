extension DecodeContext {
    mutating func healthcheck(_ node: StackNode, _ path: String) -> Healthcheck? {
        guard let entries = entries(node, path, .healthcheck) else { return nil }
        var check = Healthcheck()
        for entry in entries where !entry.value.isNull {
            let keyPath = "\(path).\(entry.key)"
            switch entry.key {
            case "test": check.test = healthTest(entry.value, keyPath)
            case "interval": duration(entry.value, keyPath).map { check.interval = $0 }
            case "timeout": duration(entry.value, keyPath).map { check.timeout = $0 }
            case "start_period": duration(entry.value, keyPath).map { check.startPeriod = $0 }
            case "start_interval": duration(entry.value, keyPath).map { check.startInterval = $0 }
            case "retries": int(entry.value, keyPath, range: 0...1_000_000).map { check.retries = $0 }
            case "disable": check.disable = bool(entry.value, keyPath) ?? false
            default: break
            }
        }
        if check.test == ["NONE"] { check.disable = true }
        return check
    }

    /// `["CMD", …]`, `["CMD-SHELL", "…"]`, `["NONE"]`, or a string run by the shell.
    private mutating func healthTest(_ node: StackNode, _ path: String) -> [String]? {
        if let text = node.scalar {
            guard !text.trimmingWhitespace().isEmpty else {
                error("\(path) is empty", at: node.location, hint: "give a command, or `disable: true`")
                return nil
            }
            return ["CMD-SHELL", text]
        }
        guard let test = stringList(node, path) else { return nil }
        switch test.first {
        case "CMD" where test.count >= 2, "NONE" where test.count == 1, "CMD-SHELL" where test.count == 2:
            return test
        case "CMD", "CMD-SHELL", "NONE":
            error(
                "\(path): \(test[0]) takes \(test[0] == "CMD" ? "a command and its arguments" : test[0] == "NONE" ? "nothing else" : "exactly one shell command")",
                at: node.location, hint: "write [\"CMD\", \"program\", \"arg\"] or [\"CMD-SHELL\", \"command line\"]")
        default:
            error(
                "\(path) must start with CMD, CMD-SHELL or NONE, found \"\(test.first ?? "")\"", at: node.location,
                hint: "write [\"CMD\", \"program\", \"arg\"] or [\"CMD-SHELL\", \"command line\"]")
        }
        return nil
    }

    mutating func restartPolicy(_ node: StackNode, _ path: String) -> RestartPolicy? {
        guard let text = string(node, path) else { return nil }
        switch text {
        case "no", "\"no\"": return .no
        case "always": return .always
        case "unless-stopped": return .unlessStopped
        case "on-failure": return .onFailure(maxRetries: nil)
        default:
            if text.hasPrefix("on-failure:"), let count = Int(text.dropFirst("on-failure:".count)), count >= 0 {
                return .onFailure(maxRetries: count)
            }
            error(
                "\(path): unknown restart policy \"\(text)\"", at: node.location,
                hint: "use no, always, on-failure, on-failure:N or unless-stopped")
            return nil
        }
    }

    mutating func deploy(_ node: StackNode, _ path: String) -> Deploy? {
        guard let entries = entries(node, path, .deploy) else { return nil }
        var deploy = Deploy()
        for entry in entries where !entry.value.isNull {
            let keyPath = "\(path).\(entry.key)"
            switch entry.key {
            case "replicas": deploy.replicas = int(entry.value, keyPath, range: 0...10_000)
            case "resources":
                for resource in self.entries(entry.value, keyPath, .resources) ?? [] where resource.key == "limits" {
                    deploy.limits = limits(resource.value, "\(keyPath).limits")
                }
            case "restart_policy": deploy.restartPolicy = deployRestartPolicy(entry.value, keyPath)
            case "update_config": deploy.updateConfig = updateConfig(entry.value, keyPath)
            case "rollback_config": deploy.rollbackConfig = updateConfig(entry.value, keyPath)
            default: break
            }
        }
        return deploy
    }

    private mutating func limits(_ node: StackNode, _ path: String) -> ResourceLimits {
        var limits = ResourceLimits()
        for entry in entries(node, path, .limits) ?? [] where !entry.value.isNull {
            let keyPath = "\(path).\(entry.key)"
            switch entry.key {
            case "cpus":
                limits.cpus = double(entry.value, keyPath)
                if limits.cpus == 0 { error("\(keyPath) must be more than 0", at: entry.value.location) }
            case "memory":
                limits.memory = byteSize(entry.value, keyPath)
                if let memory = limits.memory, memory < 6 * 1_048_576 {
                    error(
                        "\(keyPath): \(memory) bytes is below the 6 MiB minimum", at: entry.value.location,
                        hint: "write a size like 64m or 1g")
                }
            case "pids": limits.pids = int(entry.value, keyPath, range: 1...Int(Int32.max))
            default: break
            }
        }
        return limits
    }

    private mutating func deployRestartPolicy(_ node: StackNode, _ path: String) -> DeployRestartPolicy? {
        guard let entries = entries(node, path, .restartPolicy) else { return nil }
        var policy = DeployRestartPolicy()
        for entry in entries where !entry.value.isNull {
            let keyPath = "\(path).\(entry.key)"
            switch entry.key {
            case "condition":
                guard let text = string(entry.value, keyPath) else { continue }
                if let condition = DeployRestartPolicy.Condition(rawValue: text) {
                    policy.condition = condition
                } else {
                    error(
                        "\(keyPath): unknown condition \"\(text)\"", at: entry.value.location,
                        hint: "use none, on-failure or any")
                }
            case "delay": duration(entry.value, keyPath).map { policy.delay = $0 }
            case "max_attempts": policy.maxAttempts = int(entry.value, keyPath, range: 0...Int(Int32.max))
            case "window": policy.window = duration(entry.value, keyPath)
            default: break
            }
        }
        return policy
    }

    private mutating func updateConfig(_ node: StackNode, _ path: String) -> UpdateConfig? {
        guard let entries = entries(node, path, .updateConfig) else { return nil }
        var config = UpdateConfig()
        for entry in entries where !entry.value.isNull {
            let keyPath = "\(path).\(entry.key)"
            switch entry.key {
            case "parallelism": int(entry.value, keyPath, range: 0...10_000).map { config.parallelism = $0 }
            case "delay": duration(entry.value, keyPath).map { config.delay = $0 }
            case "monitor": duration(entry.value, keyPath).map { config.monitor = $0 }
            case "max_failure_ratio":
                guard let ratio = double(entry.value, keyPath) else { continue }
                if ratio > 1 {
                    error("\(keyPath) must be between 0 and 1", at: entry.value.location)
                } else {
                    config.maxFailureRatio = ratio
                }
            case "failure_action":
                guard let text = string(entry.value, keyPath) else { continue }
                if let action = UpdateConfig.FailureAction(rawValue: text) {
                    config.failureAction = action
                } else {
                    error(
                        "\(keyPath): unknown action \"\(text)\"", at: entry.value.location,
                        hint: "use continue, rollback or pause")
                }
            case "order":
                guard let text = string(entry.value, keyPath) else { continue }
                if let order = UpdateConfig.Order(rawValue: text) {
                    config.order = order
                } else {
                    error(
                        "\(keyPath): unknown order \"\(text)\"", at: entry.value.location,
                        hint: "use stop-first or start-first")
                }
            default: break
            }
        }
        return config
    }
}
