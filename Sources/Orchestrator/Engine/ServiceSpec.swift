import Images
import Planner
import Runtime
import StackFile

/// How a service's container is made from its image: Docker's combination of the image config
/// and the service's fields. Pure: the engine supplies the paths it needs.
enum ServiceSpec {
    /// The runtime spec for `request`, without its network (the engine wires that).
    ///
    /// - Parameters:
    ///   - layers: the image's unpacked layers, lowest first.
    static func make(
        _ request: ContainerRequest, image: Image, layers: [String], labels: [String: String]
    ) throws -> ContainerSpec {
        let service = request.service
        let config = image.config
        let command = ContainerSpec.combine(
            entrypoint: config.entrypoint ?? [], cmd: config.cmd ?? [], arguments: service.command ?? [],
            entrypointOverride: service.entrypoint)
        var environment: [String: String] = [:]
        var order: [String] = []
        for entry in config.env {
            let (key, value) = split(entry)
            if environment[key] == nil { order.append(key) }
            environment[key] = value
        }
        for key in service.environment.keys.sorted() {
            if environment[key] == nil { order.append(key) }
            environment[key] = service.environment[key]
        }
        var mounts: [Mount] = []
        for volume in service.volumes {
            switch volume.type {
            case .bind:
                mounts.append(
                    Mount(kind: .bind, source: volume.source ?? "", target: volume.target, readOnly: volume.readOnly))
            case .volume:
                let name =
                    volume.source.flatMap { request.project.volumes[$0]?.name ?? $0 }
                    ?? "\(request.project.name)_\(request.desired.name)_anonymous\(volume.target.replacingSlashes)"
                // The runtime keeps a named volume's data under the state root by name.
                mounts.append(Mount(kind: .volume, source: name, target: volume.target, readOnly: volume.readOnly))
            case .tmpfs:
                mounts.append(
                    Mount(
                        kind: .tmpfs, target: volume.target, readOnly: volume.readOnly,
                        options: volume.tmpfsSize.map { "size=\($0)" } ?? ""))
            }
        }
        for entry in service.tmpfs {
            let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
            mounts.append(Mount(kind: .tmpfs, target: parts[0], options: parts.count > 1 ? parts[1] : ""))
        }
        let limits = service.deploy?.limits
        return ContainerSpec(
            name: request.desired.name, image: request.desired.image, lowerDirectories: layers, command: command,
            environment: order.map { "\($0)=\(environment[$0] ?? "")" },
            workingDirectory: service.workingDir ?? nonEmpty(config.workingDir) ?? "/",
            user: service.user ?? config.user ?? "", hostname: service.hostname ?? "", mounts: mounts,
            limits: Runtime.ResourceLimits(memoryBytes: limits?.memory, cpus: limits?.cpus, pids: limits?.pids),
            capAdd: service.capAdd, capDrop: service.capDrop, readOnlyRootfs: service.readOnly,
            useInit: service.initProcess ?? false, tty: request.tty,
            stopSignal: signalNumber(service.stopSignal ?? config.stopSignal),
            stopTimeoutSeconds: Int((service.stopGracePeriod ?? .seconds(10)).seconds.rounded(.up)),
            extraHosts: service.extraHosts.map { "\($0.address) \($0.hostname)" }, labels: labels)
    }

    private static func split(_ entry: String) -> (String, String) {
        guard let equals = entry.firstIndex(of: "=") else { return (entry, "") }
        return (String(entry[..<equals]), String(entry[entry.index(after: equals)...]))
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }

    /// `SIGTERM`, `TERM` or `15` → 15; unknown names fall back to SIGTERM.
    static func signalNumber(_ name: String?) -> Int32 {
        guard let name else { return 15 }
        if let number = Int32(name) { return number }
        let bare = name.uppercased().hasPrefix("SIG") ? String(name.uppercased().dropFirst(3)) : name.uppercased()
        let numbers: [String: Int32] = [
            "HUP": 1, "INT": 2, "QUIT": 3, "KILL": 9, "USR1": 10, "USR2": 12, "TERM": 15, "WINCH": 28,
        ]
        return numbers[bare] ?? 15
    }
}

extension String {
    /// `/var/lib/x` → `_var_lib_x`: a path as part of a name.
    fileprivate var replacingSlashes: String { map { $0 == "/" ? "_" : String($0) }.joined() }
}
