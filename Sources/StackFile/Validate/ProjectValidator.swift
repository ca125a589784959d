/// Checks that need the whole project: references between services, networks and volumes,
/// dependency cycles, network modes, published-port collisions and derived names.
enum ProjectValidator {
    static func validate(_ project: Project) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        let map = project.sourceMap
        func error(_ message: String, _ path: String, hint: String? = nil) {
            findings.append(.error(message, at: map.location(of: path), hint: hint))
        }

        var containerNames: [String: String] = [:]
        for name in project.serviceNames {
            let service = project.services[name]!
            let path = "services.\(name)"
            if service.image == nil, service.build == nil {
                error(
                    "service \(name) has neither `image` nor `build`", path,
                    hint: "add `image: NAME` or `build: DIRECTORY`")
            }
            for dependency in service.dependsOn.keys.sorted() where project.services[dependency] == nil {
                error(
                    "service \(name) depends on undefined service \(dependency)", "\(path).depends_on.\(dependency)",
                    hint: suggestion(dependency, project.services.keys))
            }
            for network in service.networks.keys.sorted() where project.networks[network] == nil {
                error(
                    "service \(name) uses undefined network \(network)", "\(path).networks.\(network)",
                    hint: suggestion(
                        network, project.networks.keys, fallback: "declare it under the top-level `networks:`"))
            }
            for (index, volume) in service.volumes.enumerated() where volume.type == .volume {
                if let source = volume.source, project.volumes[source] == nil {
                    error(
                        "service \(name) uses undefined volume \(source)", "\(path).volumes.\(index)",
                        hint: suggestion(
                            source, project.volumes.keys,
                            fallback: "declare it under the top-level `volumes:`, or write ./\(source) for a directory")
                    )
                }
            }
            findings += networkModeFindings(service, path: path, project: project)

            if let containerName = service.containerName {
                if service.replicas > 1 {
                    error(
                        "service \(name) sets container_name but wants \(service.replicas) replicas",
                        "\(path).container_name",
                        hint: "container names are unique; remove container_name or use one replica")
                }
                if let other = containerNames[containerName] {
                    error(
                        "container name \(containerName) is already used by service \(other)", "\(path).container_name")
                }
                containerNames[containerName] = name
            } else {
                let longest = "\(project.name)-\(name)-\(max(service.replicas, 1))"
                if longest.count > 63 {
                    error(
                        "container name \(longest) would be \(longest.count) characters long; the limit is 63", path,
                        hint: "shorten the project or service name, or set container_name")
                }
            }
        }
        findings += cycleFindings(project)
        findings += portCollisionFindings(project)
        return findings
    }

    private static func suggestion(_ name: String, _ candidates: some Sequence<String>, fallback: String? = nil)
        -> String?
    {
        EditDistance.suggestion(for: name, among: candidates).map { "did you mean `\($0)`?" } ?? fallback
    }

    private static func networkModeFindings(_ service: Service, path: String, project: Project) -> [Diagnostic] {
        guard let mode = service.networkMode else { return [] }
        let map = project.sourceMap
        let modePath = "\(path).network_mode"
        var findings: [Diagnostic] = []
        if mode != .bridge, map.locations["\(path).networks"] != nil {
            findings.append(
                .error(
                    "service \(service.name) sets both network_mode \(mode) and networks",
                    at: map.location(of: "\(path).networks"),
                    hint: "a service either joins networks or uses network_mode, remove one"))
        }
        switch mode {
        case .service(let owner):
            if owner == service.name {
                findings.append(
                    .error(
                        "service \(service.name) cannot share its own network namespace", at: map.location(of: modePath)
                    ))
            } else if project.services[owner] == nil {
                findings.append(
                    .error(
                        "network_mode refers to undefined service \(owner)", at: map.location(of: modePath),
                        hint: suggestion(owner, project.services.keys)))
            }
            fallthrough
        case .container:
            if !service.ports.isEmpty {
                findings.append(
                    .error(
                        "service \(service.name) publishes ports but shares the network of \(mode)",
                        at: map.location(of: "\(path).ports"),
                        hint: "publish the ports on the service that owns the network"))
            }
        case .host:
            if !service.ports.isEmpty {
                findings.append(
                    .warning(
                        "ports of service \(service.name) are ignored with network_mode host",
                        at: map.location(of: "\(path).ports"), hint: "the service listens on the host directly"))
            }
        case .bridge, .none:
            break
        }
        return findings
    }

    /// Every dependency cycle once, as `a -> b -> a`, reported where the cycle closes.
    private static func cycleFindings(_ project: Project) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        var state: [String: Int] = [:]  // 1: on the current path, 2: done
        var stack: [String] = []
        func visit(_ name: String) {
            state[name] = 1
            stack.append(name)
            for next in (project.services[name]?.dependsOn.keys.sorted() ?? []) where project.services[next] != nil {
                if state[next] == 1 {
                    let cycle = stack[stack.lastIndex(of: next)!...] + [next]
                    findings.append(
                        .error(
                            "dependency cycle: \(cycle.joined(separator: " -> "))",
                            at: project.sourceMap.location(of: "services.\(name).depends_on.\(next)"),
                            hint: "remove one of these depends_on entries"))
                } else if state[next] == nil {
                    visit(next)
                }
            }
            stack.removeLast()
            state[name] = 2
        }
        for name in project.serviceNames where state[name] == nil { visit(name) }
        return findings
    }

    /// Two services may not publish the same host address, port and protocol.
    private static func portCollisionFindings(_ project: Project) -> [Diagnostic] {
        struct Claim {
            var service: String
            var path: String
            var port: Port
            var range: ClosedRange<Int>
        }
        var claims: [Claim] = []
        var findings: [Diagnostic] = []
        for name in project.serviceNames {
            let service = project.services[name]!
            for (index, port) in service.ports.enumerated() {
                guard let published = port.published else { continue }
                let claim = Claim(
                    service: name, path: "services.\(name).ports.\(index)", port: port,
                    range: published...(port.publishedEnd ?? published))
                if let other = claims.first(where: { $0.service != name && collide($0, claim) }) {
                    let place = project.sourceMap.location(of: other.path).map { " (\($0))" } ?? ""
                    let shared = max(other.range.lowerBound, claim.range.lowerBound)
                    findings.append(
                        .error(
                            "host port \(shared)/\(port.transportProtocol.rawValue) of service \(name) is already published by service \(other.service)\(place)",
                            at: project.sourceMap.location(of: claim.path), hint: "publish it on another host port"))
                }
                // Each replica needs its own host port: only a host range to pick from (for a single
                // container port) can serve several.
                let hostChoices = port.targetEnd == nil ? claim.range.count : 1
                if service.replicas > hostChoices {
                    findings.append(
                        .error(
                            "service \(name) wants \(service.replicas) replicas but publishes host port \(published)/\(port.transportProtocol.rawValue), which only one can bind",
                            at: project.sourceMap.location(of: claim.path),
                            hint:
                                "publish a host port range with one port per replica (\"\(published)-\(published + service.replicas - 1):\(port.target)\"), or leave the host port out"
                        ))
                }
                claims.append(claim)
            }
        }
        func collide(_ a: Claim, _ b: Claim) -> Bool {
            guard a.port.transportProtocol == b.port.transportProtocol, a.range.overlaps(b.range) else { return false }
            let wildcard: Set<String?> = [nil, "0.0.0.0", "::", ""]
            return wildcard.contains(a.port.hostIP) || wildcard.contains(b.port.hostIP)
                || a.port.hostIP == b.port.hostIP
        }
        return findings
    }
}
