extension DecodeContext {
    mutating func ports(_ node: StackNode, _ path: String) -> [Port] {
        guard let items = node.items else {
            error("\(path) must be a list, found \(node.kindName)", at: node.location)
            return []
        }
        var result: [Port] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path).\(index)"
            sourceMap.record(itemPath, item.location)
            if let text = item.scalar {
                switch Self.parsePort(text) {
                case .success(let port): result.append(port)
                case .failure(let failure):
                    error(
                        "\(itemPath): invalid port \"\(text)\": \(failure.message)", at: item.location,
                        hint:
                            "write [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL], like \"8081:8080\" or \"127.0.0.1:53:53/udp\""
                    )
                }
            } else if let port = longPort(item, itemPath) {
                result.append(port)
            }
        }
        return result
    }

    struct PortFailure: Error { var message: String }

    /// Short syntax: `[HOST_IP:][HOST_PORT[-END]:]CONTAINER_PORT[-END][/PROTOCOL]`; an IPv6 host
    /// address goes in brackets.
    static func parsePort(_ text: String) -> Result<Port, PortFailure> {
        var rest = Substring(text.trimmingWhitespace())
        var transport = Port.TransportProtocol.tcp
        if let slash = rest.lastIndex(of: "/") {
            let name = rest[rest.index(after: slash)...]
            guard let parsed = Port.TransportProtocol(rawValue: name.lowercased()) else {
                return .failure(PortFailure(message: "unsupported protocol \"\(name)\" (use tcp or udp)"))
            }
            transport = parsed
            rest = rest[..<slash]
        }
        var hostIP: String?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else {
                return .failure(PortFailure(message: "unclosed `[` in the host address"))
            }
            hostIP = String(rest[rest.index(after: rest.startIndex)..<close])
            rest = rest[rest.index(after: close)...]
            guard rest.hasPrefix(":") else {
                return .failure(PortFailure(message: "expected `:` after the host address"))
            }
            rest = rest.dropFirst()
        }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        let publishedText: Substring?
        let targetText: Substring
        switch (parts.count, hostIP) {
        case (1, nil):
            publishedText = nil
            targetText = parts[0]
        case (2, _):
            publishedText = parts[0]
            targetText = parts[1]
        case (3, nil):
            hostIP = String(parts[0])
            publishedText = parts[1]
            targetText = parts[2]
        default:
            return .failure(PortFailure(message: "too many `:`"))
        }
        if let ip = hostIP, ip.isEmpty { return .failure(PortFailure(message: "empty host address")) }
        let target: (Int, Int?)
        switch portRange(targetText) {
        case .success(let range): target = range
        case .failure(let failure): return .failure(failure)
        }
        var published: (Int, Int?)?
        if let publishedText, !publishedText.isEmpty {
            switch portRange(publishedText) {
            case .success(let range): published = range
            case .failure(let failure): return .failure(failure)
            }
        }
        if let targetEnd = target.1 {
            if let published {
                guard let publishedEnd = published.1, publishedEnd - published.0 == targetEnd - target.0 else {
                    return .failure(PortFailure(message: "the host and container port ranges differ in length"))
                }
            }
        }
        return .success(
            Port(
                target: target.0, targetEnd: target.1, published: published?.0, publishedEnd: published?.1,
                hostIP: hostIP, transportProtocol: transport))
    }

    /// `8080` or `8000-8010`, each within 1–65535.
    static func portRange(_ text: Substring) -> Result<(Int, Int?), PortFailure> {
        let bounds = text.split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count <= 2 else { return .failure(PortFailure(message: "\"\(text)\" is not a port or a range")) }
        var numbers: [Int] = []
        for bound in bounds {
            guard let number = Int(bound) else {
                return .failure(PortFailure(message: "\"\(bound)\" is not a port number"))
            }
            guard (1...65535).contains(number) else {
                return .failure(PortFailure(message: "port \(number) is out of range 1-65535"))
            }
            numbers.append(number)
        }
        if numbers.count == 2 {
            guard numbers[0] <= numbers[1] else {
                return .failure(PortFailure(message: "range \(text) ends before it starts"))
            }
            return .success((numbers[0], numbers[1] == numbers[0] ? nil : numbers[1]))
        }
        return .success((numbers[0], nil))
    }

    private mutating func longPort(_ node: StackNode, _ path: String) -> Port? {
        guard let entries = entries(node, path, .port) else { return nil }
        var port = Port(target: 0)
        var valid = true
        for entry in entries where !entry.value.isNull {
            let keyPath = "\(path).\(entry.key)"
            switch entry.key {
            case "target":
                guard let text = string(entry.value, keyPath) else {
                    valid = false
                    continue
                }
                switch Self.portRange(Substring(text)) {
                case .success(let range):
                    port.target = range.0
                    port.targetEnd = range.1
                case .failure(let failure):
                    error("\(keyPath): \(failure.message)", at: entry.value.location)
                    valid = false
                }
            case "published":
                guard let text = string(entry.value, keyPath), !text.isEmpty else { continue }
                switch Self.portRange(Substring(text)) {
                case .success(let range):
                    port.published = range.0
                    port.publishedEnd = range.1
                case .failure(let failure):
                    error("\(keyPath): \(failure.message)", at: entry.value.location)
                    valid = false
                }
            case "host_ip": port.hostIP = string(entry.value, keyPath)
            case "mode":
                // Swarm's routing mesh (`ingress`) and `host` publish the same way on one machine.
                if let mode = string(entry.value, keyPath), mode != "ingress", mode != "host" {
                    error(
                        "\(keyPath): unknown port mode \"\(mode)\"", at: entry.value.location,
                        hint: "use ingress or host")
                }
            case "protocol":
                guard let text = string(entry.value, keyPath) else { continue }
                if let parsed = Port.TransportProtocol(rawValue: text.lowercased()) {
                    port.transportProtocol = parsed
                } else {
                    error(
                        "\(keyPath): unsupported protocol \"\(text)\"", at: entry.value.location, hint: "use tcp or udp"
                    )
                }
            default: break
            }
        }
        if node["target"] == nil {
            error("\(path) needs a `target` port", at: node.location)
            return nil
        }
        return valid ? port : nil
    }

    /// `expose:` entries: `80`, `80/udp`, `8000-8010`; kept as strings, checked for range.
    mutating func expose(_ node: StackNode, _ path: String) -> [String] {
        let entries = stringList(node, path) ?? []
        for (index, text) in entries.enumerated() {
            let portText = text.split(separator: "/", maxSplits: 1).first ?? ""
            let protocolValid =
                !text.contains("/") || ["tcp", "udp"].contains(text.split(separator: "/").last?.lowercased() ?? "")
            if case .failure(let failure) = Self.portRange(portText) {
                error(
                    "\(path).\(index): invalid port \"\(text)\": \(failure.message)",
                    at: node.items?[index].location ?? node.location)
            } else if !protocolValid {
                error(
                    "\(path).\(index): unsupported protocol in \"\(text)\"",
                    at: node.items?[index].location ?? node.location, hint: "use tcp or udp")
            }
        }
        return entries
    }
}
