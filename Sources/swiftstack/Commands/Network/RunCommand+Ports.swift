import Dispatch
import Foundation
import Glibc
import Network
import Orchestrator
import Runtime
import StackFile

/// The label holding a `run -p` container's published ports (`PortMapping.label`).
enum RunPortsLabel {
    static let key = "swiftstack.ports"

    /// Whether container `id`'s spec may carry the label, from its raw bytes: most monitors
    /// publish nothing, and decoding the spec only to find that out would delay every `run -d`.
    static func mayPublish(_ id: String, stateRoot: String) -> Bool {
        guard let spec = FileManager.default.contents(atPath: "\(stateRoot)/containers/\(id)/config.json") else {
            return true
        }
        return spec.range(of: Data(key.utf8)) != nil
    }

    /// `ps`'s PORTS column: `0.0.0.0:8080->80/tcp, …` while the container runs (its monitor
    /// holds the ports), empty otherwise.
    static func shown(_ container: Container) -> String {
        guard container.isRunning, let label = container.spec.labels[key] else { return "" }
        return PortMapping.parse(label: label).map(\.description).joined(separator: ", ")
    }
}

extension RunCommand {
    /// The `-p` values as mappings: ranges expanded, a missing host port chosen by the kernel,
    /// each checked free now, so a taken port fails before anything is created.
    func portMappings() throws -> [PortMapping] {
        guard !publish.isEmpty else { return [] }
        switch network {
        case nil, "none", "bridge", "default":
            throw RuntimeError(
                .invalidArgument,
                "-p needs --network NAME (a network from `swiftstack network create`): the container has no address to forward to"
            )
        case "host":
            throw RuntimeError(
                .invalidArgument, "-p with --network host: the container already listens on the host's ports; drop -p")
        case let value? where value.hasPrefix("container:"):
            throw RuntimeError(.invalidArgument, "-p with --network \(value): publish the ports on that container")
        default: break
        }
        var mappings: [PortMapping] = []
        for text in publish {
            let port: StackFile.Port
            switch StackFile.Port.parse(shortSyntax: text) {
            case .success(let parsed): port = parsed
            case .failure(let failure):
                throw RuntimeError(
                    .invalidArgument,
                    "invalid -p '\(text)': \(failure.message); write [IP:]HOST:CONTAINER[/tcp|udp], like 8080:80, 127.0.0.1:5353:53/udp or 8000-8002:80-82"
                )
            }
            if port.publishedEnd != nil && port.targetEnd == nil {
                throw RuntimeError(
                    .invalidArgument,
                    "invalid -p '\(text)': a host port range needs a container range of the same length")
            }
            let transport: PortProxy.Transport = port.transportProtocol == .udp ? .udp : .tcp
            let host = port.hostIP.flatMap { $0 == "::" ? nil : $0 } ?? PortMapping.everyAddress
            for offset in 0...((port.targetEnd ?? port.target) - port.target) {
                var hostPort = port.published.map { $0 + offset } ?? 0
                if hostPort == 0 {
                    do { hostPort = try PortAvailability.freePort(host: host, transport: transport) } catch {
                        throw RuntimeError(.invalidArgument, "-p '\(text)': \(error.message)")
                    }
                }
                let mapping = PortMapping(
                    hostIP: host, hostPort: hostPort, targetPort: port.target + offset, transport: transport)
                if mappings.contains(where: { $0.hostPort == hostPort && $0.transport == transport }) {
                    throw RuntimeError(
                        .invalidArgument, "host port \(hostPort)/\(transport.rawValue) is published twice")
                }
                mappings.append(mapping)
            }
        }
        for mapping in mappings {
            do {
                try PortAvailability.check(host: mapping.hostIP, port: mapping.hostPort, transport: mapping.transport)
            } catch {
                throw RuntimeError(.alreadyExists, error.message)
            }
        }
        return mappings
    }
}

/// The listening proxies of a `run -p` container, held by its owner (the `run -d` monitor, or a
/// foreground `run`) for as long as the container runs: they die with the owner's process.
final class RunPortProxies {
    private let proxies: [PortProxy]

    private init(_ proxies: [PortProxy]) { self.proxies = proxies }

    /// Binds every port `container` publishes, forwarding to its address on its network; nil
    /// when it publishes none. A port taken meanwhile fails with `.alreadyExists` naming it.
    static func start(for container: Container, store: NetworkStore) throws(RuntimeError) -> RunPortProxies? {
        guard let label = container.spec.labels[RunPortsLabel.key], !label.isEmpty else { return nil }
        let named = container.spec.labels[RunNetworkLabel.key].map { Set($0.split(separator: ",").map(String.init)) }
        guard
            let address = store.attachments(of: container.name).first(where: {
                named?.contains($0.network.name) ?? true
            })?
            .address
        else {
            throw RuntimeError(.invalidState, "container \(container.name) has no address to publish its ports to")
        }
        var proxies: [PortProxy] = []
        for mapping in PortMapping.parse(label: label) {
            let target = mapping.targetPort
            do {
                proxies.append(
                    try PortProxy.startBlocking(
                        host: mapping.hostIP, port: mapping.hostPort, transport: mapping.transport
                    ) { (address, target) })
            } catch {
                throw RuntimeError(error.code == .alreadyExists ? .alreadyExists : .system, error.message)
            }
        }
        return RunPortProxies(proxies)
    }
}
