/// The supervisor's answer on its control socket (one JSON line per request).
public struct SupervisorStatus: Codable, Sendable, Equatable {
    public var pid: Int32
    public var project: String
    /// Host ports it holds right now.
    public var ports: [PublishedPort]
    /// Addresses its DNS servers listen on.
    public var dnsAddresses: [String]
    /// The project's containers it watches.
    public var containers: Int

    public init(
        pid: Int32, project: String, ports: [PublishedPort] = [], dnsAddresses: [String] = [], containers: Int = 0
    ) {
        self.pid = pid
        self.project = project
        self.ports = ports
        self.dnsAddresses = dnsAddresses
        self.containers = containers
    }
}

/// The requests the control socket takes, one line each.
public enum SupervisorRequest: String, Sendable {
    /// `up` changed the project: re-read `project.json` now.
    case reload
    case status
    /// `down`: stop serving and exit.
    case shutdown
}
