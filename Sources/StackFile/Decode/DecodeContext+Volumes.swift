import Foundation

extension DecodeContext {
    mutating func serviceVolumes(_ node: StackNode, _ path: String) -> [ServiceVolume] {
        guard let items = node.items else {
            error("\(path) must be a list, found \(node.kindName)", at: node.location)
            return []
        }
        var result: [ServiceVolume] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path).\(index)"
            sourceMap.record(itemPath, item.location)
            let volume = item.scalar != nil ? shortVolume(item, itemPath) : longVolume(item, itemPath)
            if let volume { result.append(volume) }
        }
        return result
    }

    /// `SOURCE:TARGET[:MODE]` or an anonymous `TARGET`; a source starting with `/`, `.` or `~`
    /// is a host path, anything else a named volume.
    private mutating func shortVolume(_ node: StackNode, _ path: String) -> ServiceVolume? {
        let text = node.scalar!
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard (1...3).contains(parts.count), !parts.contains(where: \.isEmpty) else {
            error(
                "\(path): invalid volume \"\(text)\"", at: node.location,
                hint: "write SOURCE:TARGET[:ro|rw], a named volume NAME:TARGET, or an anonymous TARGET")
            return nil
        }
        if parts.count == 1 {
            guard checkTarget(parts[0], path, node.location) else { return nil }
            return ServiceVolume(type: .volume, source: nil, target: parts[0])
        }
        let (source, target) = (parts[0], parts[1])
        guard checkTarget(target, path, node.location) else { return nil }
        var readOnly = false
        if parts.count == 3 {
            for option in parts[2].split(separator: ",") {
                switch option {
                case "ro": readOnly = true
                case "rw": readOnly = false
                case "z", "Z", "cached", "delegated", "consistent", "nocopy": continue
                default:
                    error(
                        "\(path): unknown volume option \"\(option)\" in \"\(text)\"", at: node.location,
                        hint: "use ro or rw")
                    return nil
                }
            }
        }
        if Self.isHostPath(source) {
            guard let hostPath = bindSource(source, path, node.location, createsHostPath: true) else { return nil }
            return ServiceVolume(
                type: .bind, source: hostPath, target: target, readOnly: readOnly, createHostPath: true)
        }
        guard checkVolumeName(source, path, node.location) else { return nil }
        return ServiceVolume(type: .volume, source: source, target: target, readOnly: readOnly)
    }

    private mutating func longVolume(_ node: StackNode, _ path: String) -> ServiceVolume? {
        guard let entries = entries(node, path, .serviceVolume) else { return nil }
        guard let typeNode = node["type"], let typeText = string(typeNode, "\(path).type") else {
            error("\(path) needs a `type` (bind, volume or tmpfs)", at: node.location)
            return nil
        }
        guard let kind = ServiceVolume.Kind(rawValue: typeText) else {
            error(
                "\(path).type: unsupported volume type \"\(typeText)\"", at: typeNode.location,
                hint: "use bind, volume or tmpfs")
            return nil
        }
        guard let targetNode = node["target"], let target = string(targetNode, "\(path).target") else {
            error("\(path) needs a `target` path", at: node.location)
            return nil
        }
        guard checkTarget(target, path, targetNode.location) else { return nil }
        var volume = ServiceVolume(type: kind, source: nil, target: target)
        var sourceNode: StackNode?
        for entry in entries where !entry.value.isNull {
            let keyPath = "\(path).\(entry.key)"
            switch entry.key {
            case "source": sourceNode = entry.value
            case "read_only": volume.readOnly = bool(entry.value, keyPath) ?? false
            case "bind":
                for option in self.entries(entry.value, keyPath, .bindOptions) ?? []
                where option.key == "create_host_path" {
                    volume.createHostPath = bool(option.value, "\(keyPath).create_host_path") ?? false
                }
            case "tmpfs":
                for option in self.entries(entry.value, keyPath, .tmpfsOptions) ?? [] where option.key == "size" {
                    volume.tmpfsSize = byteSize(option.value, "\(keyPath).size")
                }
            case "volume": _ = self.entries(entry.value, keyPath, .volumeOptions)
            default: break
            }
        }
        let source = sourceNode.flatMap { string($0, "\(path).source") }
        switch kind {
        case .bind:
            guard let source, let sourceNode, !source.isEmpty else {
                error("\(path): a bind mount needs a `source` host path", at: node.location)
                return nil
            }
            guard let hostPath = bindSource(source, path, sourceNode.location, createsHostPath: volume.createHostPath)
            else { return nil }
            volume.source = hostPath
        case .volume:
            if let source, let sourceNode, !source.isEmpty {
                guard checkVolumeName(source, path, sourceNode.location) else { return nil }
                volume.source = source
            }
        case .tmpfs:
            if let sourceNode, source.map({ !$0.isEmpty }) ?? false {
                error("\(path): a tmpfs mount takes no `source`", at: sourceNode.location)
            }
        }
        return volume
    }

    static func isHostPath(_ source: String) -> Bool {
        source.hasPrefix("/") || source.hasPrefix(".") || source.hasPrefix("~")
    }

    private mutating func checkTarget(_ target: String, _ path: String, _ location: SourceLocation) -> Bool {
        guard target.hasPrefix("/") else {
            error("\(path): mount target \"\(target)\" must be an absolute path in the container", at: location)
            return false
        }
        return true
    }

    private mutating func checkVolumeName(_ name: String, _ path: String, _ location: SourceLocation) -> Bool {
        guard Self.isValidContainerName(name) else {
            error(
                "\(path): invalid volume name \"\(name)\"", at: location,
                hint:
                    "a named volume starts with a letter or digit; write ./\(name) for a directory beside the stack file"
            )
            return false
        }
        return true
    }

    /// The absolute host path of a bind source. A relative source may not climb with `..` out of
    /// the project (its directory, the directory the user works in, or the repository holding it:
    /// a stack in `stacks/` may mount `../examples/site`); absolute paths are the user's explicit
    /// choice and are allowed. A missing source is a warning.
    private mutating func bindSource(
        _ source: String, _ path: String, _ location: SourceLocation, createsHostPath: Bool
    ) -> String? {
        let resolved = PathResolution.absolute(source, base: projectDirectory, home: home)
        let isRelative = !source.hasPrefix("/") && !source.hasPrefix("~")
        if isRelative, !bindRoots.contains(where: { PathResolution.isInside(resolved, $0) }) {
            error(
                "\(path): bind source \"\(source)\" leads outside the project directory \(projectDirectory)",
                at: location,
                hint:
                    "keep relative sources inside the project (or its repository), or write an absolute path if you mean it"
            )
            return nil
        }
        if !FileManager.default.fileExists(atPath: resolved) {
            warning(
                "\(path): bind source \(resolved) does not exist", at: location,
                hint: createsHostPath
                    ? "it will be created as an empty directory" : "create it before starting the service")
        }
        return resolved
    }
}
