import Foundation

extension DecodeContext {
    /// Decodes one `services:` entry into long syntax, with defaults filled.
    mutating func service(_ name: String, _ node: StackNode) -> Service {
        let path = "services.\(name)"
        var service = Service(name: name)
        guard let entries = entries(node, path, .service) else { return service }
        var environmentNode: StackNode?
        var networksGiven = false
        for entry in entries where !entry.value.isNull {
            let keyPath = "\(path).\(entry.key)"
            let value = entry.value
            switch entry.key {
            case "image": service.image = string(value, keyPath)
            case "build": service.build = build(value, keyPath)
            case "command": service.command = commandLine(value, keyPath)
            case "entrypoint": service.entrypoint = commandLine(value, keyPath)
            case "environment": environmentNode = value
            case "env_file": service.envFiles = envFiles(value, keyPath)
            case "ports": service.ports = ports(value, keyPath)
            case "expose": service.expose = expose(value, keyPath)
            case "volumes": service.volumes = serviceVolumes(value, keyPath)
            case "tmpfs": service.tmpfs = tmpfs(value, keyPath)
            case "networks":
                networksGiven = true
                service.networks = serviceNetworks(value, keyPath)
            case "network_mode": service.networkMode = networkMode(value, keyPath)
            case "depends_on": service.dependsOn = dependencies(value, keyPath)
            case "healthcheck": service.healthcheck = healthcheck(value, keyPath)
            case "restart": service.restart = restartPolicy(value, keyPath) ?? .no
            case "deploy": service.deploy = deploy(value, keyPath)
            case "scale": service.scale = int(value, keyPath, range: 0...10_000)
            case "container_name": service.containerName = containerName(value, keyPath)
            case "hostname": service.hostname = hostname(value, keyPath)
            case "working_dir":
                service.workingDir = string(value, keyPath)
                if let dir = service.workingDir, !dir.hasPrefix("/") {
                    error("\(keyPath) must be an absolute path, found \"\(dir)\"", at: value.location)
                }
            case "user": service.user = string(value, keyPath)
            case "labels": service.labels = labels(value, keyPath)
            case "stop_signal": service.stopSignal = string(value, keyPath)
            case "stop_grace_period": service.stopGracePeriod = duration(value, keyPath)
            case "init": service.initProcess = bool(value, keyPath)
            case "read_only": service.readOnly = bool(value, keyPath) ?? false
            case "cap_add": service.capAdd = stringList(value, keyPath) ?? []
            case "cap_drop": service.capDrop = stringList(value, keyPath) ?? []
            case "extra_hosts": service.extraHosts = extraHosts(value, keyPath)
            case "profiles": service.profiles = stringList(value, keyPath) ?? []
            default: break
            }
        }
        service.environment = resolvedEnvironment(
            envFiles: service.envFiles, environment: environmentNode, servicePath: path)
        if !networksGiven, service.networkMode == nil || service.networkMode == .bridge {
            service.networks = ["default": ServiceNetwork()]
        }
        return service
    }

    /// Service names become DNS names and parts of container names.
    mutating func checkServiceName(_ name: String, at location: SourceLocation) {
        let valid =
            !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
        if !valid {
            error("invalid service name \"\(name)\"", at: location, hint: "use only letters, digits, `.`, `_` and `-`")
        }
    }

    mutating func build(_ node: StackNode, _ path: String) -> Build? {
        if let context = node.scalar { return Build(context: buildContext(context)) }
        guard let entries = entries(node, path, .build) else { return nil }
        var build = Build(context: projectDirectory)
        for entry in entries where !entry.value.isNull {
            let keyPath = "\(path).\(entry.key)"
            switch entry.key {
            case "context": string(entry.value, keyPath).map { build.context = buildContext($0) }
            case "dockerfile": string(entry.value, keyPath).map { build.dockerfile = $0 }
            case "target": build.target = string(entry.value, keyPath)
            case "labels": build.labels = labels(entry.value, keyPath)
            case "args":
                for (key, value, _) in keyValues(entry.value, keyPath) ?? [] {
                    // `ARG` without a value takes the host's, as `environment` does.
                    if let resolved = value ?? environment[key] { build.args[key] = resolved }
                }
            default: break
            }
        }
        return build
    }

    /// A local context becomes absolute; a remote one (git, http) is kept as written.
    private func buildContext(_ context: String) -> String {
        if context.contains("://") || context.hasPrefix("git@") { return context }
        return PathResolution.absolute(context, base: projectDirectory, home: home)
    }

    /// `command:`/`entrypoint:`: a list as is, a string split like a shell would.
    mutating func commandLine(_ node: StackNode, _ path: String) -> [String]? {
        if let text = node.scalar {
            do throws(ShellWords.Failure) {
                return try ShellWords.split(text)
            } catch {
                self.error(
                    "\(path): \(error.message) in \"\(text)\"", at: node.location,
                    hint: "close the quote, or write the command as a list")
                return nil
            }
        }
        return stringList(node, path)
    }

    mutating func envFiles(_ node: StackNode, _ path: String) -> [EnvFile] {
        let items: [StackNode]
        if node.scalar != nil {
            items = [node]
        } else if let list = node.items {
            items = list
        } else {
            error("\(path) must be a path or a list, found \(node.kindName)", at: node.location)
            return []
        }
        var result: [EnvFile] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path).\(index)"
            sourceMap.record(itemPath, item.location)
            if let text = item.scalar {
                result.append(EnvFile(path: PathResolution.absolute(text, base: projectDirectory, home: home)))
                continue
            }
            guard let entries = entries(item, itemPath, .envFile) else { continue }
            var file = EnvFile(path: "")
            var hasPath = false
            for entry in entries {
                switch entry.key {
                case "path":
                    if let text = string(entry.value, "\(itemPath).path") {
                        file.path = PathResolution.absolute(text, base: projectDirectory, home: home)
                        hasPath = true
                    }
                case "required": file.required = bool(entry.value, "\(itemPath).required") ?? true
                default: break
                }
            }
            if hasPath { result.append(file) } else { error("\(itemPath) needs a `path`", at: item.location) }
        }
        return result
    }

    /// `env_file` entries first, then `environment` on top; `KEY` without a value takes the
    /// host's value and is left out when the host does not set it.
    mutating func resolvedEnvironment(envFiles: [EnvFile], environment node: StackNode?, servicePath: String)
        -> [String: String]
    {
        var result: [String: String] = [:]
        for (index, file) in envFiles.enumerated() {
            let location = sourceMap.location(of: "\(servicePath).env_file.\(index)")
            guard let text = try? String(contentsOfFile: file.path, encoding: .utf8) else {
                if file.required {
                    error(
                        "env file \(file.path) not found", at: location, hint: "create it, or mark it `required: false`"
                    )
                }
                continue
            }
            do throws(StackFileError) {
                for (key, value) in try DotEnvParser.parse(text, file: file.path, environment: environment) {
                    result[key] = value
                }
            } catch {
                diagnostics += error.diagnostics
            }
        }
        guard let node else { return result }
        for (key, value, _) in keyValues(node, "\(servicePath).environment") ?? [] {
            if let resolved = value ?? environment[key] { result[key] = resolved } else { result[key] = nil }
        }
        return result
    }

    mutating func tmpfs(_ node: StackNode, _ path: String) -> [String] {
        let mounts = stringOrList(node, path) ?? []
        for (index, mount) in mounts.enumerated() where !mount.hasPrefix("/") {
            error(
                "\(path): tmpfs mount point must be absolute, found \"\(mount)\"",
                at: node.items?[index].location ?? node.location)
        }
        return mounts
    }

    mutating func containerName(_ node: StackNode, _ path: String) -> String? {
        guard let name = string(node, path) else { return nil }
        if !Self.isValidContainerName(name) {
            error(
                "invalid container name \"\(name)\"", at: node.location,
                hint: "start with a letter or digit, then letters, digits, `_`, `.` or `-`")
        } else if name.count > 63 {
            error("container name \"\(name)\" is \(name.count) characters long; the limit is 63", at: node.location)
        }
        return name
    }

    static func isValidContainerName(_ name: String) -> Bool {
        guard let first = name.first, first.isASCII, first.isLetter || first.isNumber else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }
    }

    mutating func hostname(_ node: StackNode, _ path: String) -> String? {
        guard let name = string(node, path) else { return nil }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        let validLabels = labels.allSatisfy { label in
            guard let first = label.first, let last = label.last else { return false }
            return first != "-" && last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
        if name.count > 63 {
            error("hostname \"\(name)\" is \(name.count) characters long; the limit is 63", at: node.location)
        } else if !validLabels {
            error(
                "invalid hostname \"\(name)\"", at: node.location,
                hint: "use letters, digits and `-`, in labels separated by `.`")
        }
        return name
    }

    mutating func extraHosts(_ node: StackNode, _ path: String) -> [ExtraHost] {
        var result: [ExtraHost] = []
        if let entries = node.entries {
            for entry in entries {
                record("\(path).\(entry.key)", entry)
                if let address = string(entry.value, "\(path).\(entry.key)") {
                    result.append(ExtraHost(hostname: entry.key, address: address))
                }
            }
            return result
        }
        guard let items = node.items else {
            error("\(path) must be a list of host:address or a mapping, found \(node.kindName)", at: node.location)
            return []
        }
        for (index, item) in items.enumerated() {
            sourceMap.record("\(path).\(index)", item.location)
            guard let text = string(item, "\(path).\(index)") else { continue }
            guard let separator = text.firstIndex(of: "=") ?? text.firstIndex(of: ":") else {
                error(
                    "\(path): \"\(text)\" is not host:address", at: item.location,
                    hint: "write it as `name:192.0.2.1` or `name=192.0.2.1`")
                continue
            }
            let host = String(text[..<separator])
            var address = String(text[text.index(after: separator)...])
            if address.hasPrefix("["), address.hasSuffix("]") { address = String(address.dropFirst().dropLast()) }
            if host.isEmpty || address.isEmpty {
                error(
                    "\(path): \"\(text)\" is not host:address", at: item.location,
                    hint: "write it as `name:192.0.2.1` or `name=192.0.2.1`")
                continue
            }
            result.append(ExtraHost(hostname: host, address: address))
        }
        return result
    }
}
