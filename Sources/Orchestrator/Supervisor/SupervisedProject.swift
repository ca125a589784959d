import Foundation
import Network
import StackFile

/// What the supervisor needs to know about a project, saved by `up` in
/// `<stateRoot>/projects/<project>/project.json` (atomically) so that any later supervisor —
/// including one started after a crash — works from the same desired state without reloading
/// the stack file in a different environment.
public struct SupervisedProject: Codable, Sendable, Equatable {
    public var name: String
    /// The stack files and project directory `up` loaded (for people reading the file).
    public var files: [String]
    public var directory: String
    public var services: [SupervisedService]
    /// The project's bridge networks (their real names, `PROJECT_default`).
    public var networks: [String]

    public init(name: String, files: [String], directory: String, services: [SupervisedService], networks: [String]) {
        self.name = name
        self.files = files
        self.directory = directory
        self.services = services
        self.networks = networks
    }

    /// The supervised view of a loaded project.
    public init(project: Project) {
        let networks = project.networks.values.filter { $0.driver == "bridge" || $0.driver.isEmpty }.map(\.name)
        self.init(
            name: project.name, files: project.files, directory: project.workingDirectory,
            services: project.services.values.sorted { $0.name < $1.name }.map { SupervisedService($0, in: project) },
            networks: networks.sorted())
    }

    public func service(_ name: String) -> SupervisedService? { services.first { $0.name == name } }

    /// Every host port the project publishes.
    public var publishedPorts: [PublishedPort] { services.flatMap(\.ports) }
}

/// One service as the supervisor sees it.
public struct SupervisedService: Codable, Sendable, Equatable {
    public var name: String
    public var restart: RestartRule
    public var health: HealthRule?
    public var ports: [PublishedPort]
    /// Network (real name) → the service's aliases on it.
    public var aliases: [String: [String]]

    public init(
        name: String, restart: RestartRule, health: HealthRule?, ports: [PublishedPort], aliases: [String: [String]]
    ) {
        self.name = name
        self.restart = restart
        self.health = health
        self.ports = ports
        self.aliases = aliases
    }

    init(_ service: Service, in project: Project) {
        var aliases: [String: [String]] = [:]
        for (key, attachment) in service.networks {
            guard let network = project.networks[key] else { continue }
            aliases[network.name] = attachment.aliases
        }
        self.init(
            name: service.name, restart: RestartRule(service),
            health: service.healthcheck.flatMap { HealthRule($0) },
            ports: service.ports.flatMap { PublishedPort.expand($0, service: service.name) }, aliases: aliases)
    }
}

/// One published host port: `hostIP:hostPort` on the host → `targetPort` in the service's containers.
public struct PublishedPort: Codable, Sendable, Hashable, CustomStringConvertible {
    public var service: String
    public var hostIP: String
    public var hostPort: Int
    public var targetPort: Int
    /// `tcp` or `udp`.
    public var transport: String

    public init(service: String, hostIP: String, hostPort: Int, targetPort: Int, transport: String) {
        self.service = service
        self.hostIP = hostIP
        self.hostPort = hostPort
        self.targetPort = targetPort
        self.transport = transport
    }

    public var description: String { "\(hostIP):\(hostPort)/\(transport)" }

    /// The host ports of one `ports:` entry, ranges expanded. Without a host address we listen on
    /// every address of the host, as Compose does (`PortMapping.everyAddress`; the proxy only
    /// ever connects to the project's containers). Entries without a published port are not
    /// published (Compose would pick a random one).
    static func expand(_ port: StackFile.Port, service: String) -> [PublishedPort] {
        guard let published = port.published else { return [] }
        let count = (port.targetEnd ?? port.target) - port.target + 1
        let host = port.hostIP.flatMap { $0.isEmpty || $0 == "::" ? nil : $0 } ?? PortMapping.everyAddress
        return (0..<max(count, 1)).map { offset in
            PublishedPort(
                service: service, hostIP: host, hostPort: published + offset, targetPort: port.target + offset,
                transport: port.transportProtocol.rawValue)
        }
    }
}
