/// A top-level `networks:` entry.
public struct Network: Sendable, Equatable {
    /// The key in the stack file.
    public var key: String
    /// The real name: `name:`, else `PROJECT_KEY`; for external networks, `name:` or the key.
    public var name: String
    public var driver: String
    public var `internal`: Bool
    public var external: Bool
    public var ipam: [IPAMConfig]
    public var labels: [String: String]

    public init(
        key: String, name: String, driver: String = "bridge", internal: Bool = false,
        external: Bool = false, ipam: [IPAMConfig] = [], labels: [String: String] = [:]
    ) {
        self.key = key
        self.name = name
        self.driver = driver
        self.internal = `internal`
        self.external = external
        self.ipam = ipam
        self.labels = labels
    }
}

/// One `ipam.config[]` entry.
public struct IPAMConfig: Sendable, Equatable {
    public var subnet: String?
    public var gateway: String?

    public init(subnet: String? = nil, gateway: String? = nil) {
        self.subnet = subnet
        self.gateway = gateway
    }
}

/// A top-level `volumes:` entry.
public struct Volume: Sendable, Equatable {
    public var key: String
    /// The real name: `name:`, else `PROJECT_KEY`; for external volumes, `name:` or the key.
    public var name: String
    public var external: Bool
    public var labels: [String: String]

    public init(key: String, name: String, external: Bool = false, labels: [String: String] = [:]) {
        self.key = key
        self.name = name
        self.external = external
        self.labels = labels
    }
}
