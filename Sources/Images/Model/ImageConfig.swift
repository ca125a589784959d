/// The runtime defaults an image carries: the `config` object of an OCI image configuration.
///
/// Encodes with OCI's capitalised keys (`Env`, `Cmd`, ...). `ExposedPorts` and `Volumes` are
/// objects with empty values on disk (`{"80/tcp": {}}`) and sorted arrays here.
public struct ImageConfig: Sendable, Equatable, Codable {
    public var env: [String]
    public var cmd: [String]?
    public var entrypoint: [String]?
    public var workingDir: String?
    public var user: String?
    /// `PORT/PROTO`, for example `8080/tcp`.
    public var exposedPorts: [String]
    /// Absolute paths inside the container.
    public var volumes: [String]
    public var labels: [String: String]
    public var stopSignal: String?
    public var healthcheck: ImageHealthcheck?
    /// ONBUILD triggers as written after the keyword (`RUN echo hi`), run by a later build that
    /// starts FROM this image; Docker's `OnBuild` (not part of the OCI spec, which other tools ignore).
    public var onBuild: [String]
    /// The SHELL a Dockerfile set (`["/bin/bash", "-c"]`), which builds FROM this image inherit;
    /// Docker's `Shell`.
    public var shell: [String]?

    public init(
        env: [String] = [], cmd: [String]? = nil, entrypoint: [String]? = nil, workingDir: String? = nil,
        user: String? = nil, exposedPorts: [String] = [], volumes: [String] = [],
        labels: [String: String] = [:], stopSignal: String? = nil, healthcheck: ImageHealthcheck? = nil,
        onBuild: [String] = [], shell: [String]? = nil
    ) {
        self.env = env
        self.cmd = cmd
        self.entrypoint = entrypoint
        self.workingDir = workingDir
        self.user = user
        self.exposedPorts = exposedPorts
        self.volumes = volumes
        self.labels = labels
        self.stopSignal = stopSignal
        self.healthcheck = healthcheck
        self.onBuild = onBuild
        self.shell = shell
    }

    enum CodingKeys: String, CodingKey {
        case env = "Env"
        case cmd = "Cmd"
        case entrypoint = "Entrypoint"
        case workingDir = "WorkingDir"
        case user = "User"
        case exposedPorts = "ExposedPorts"
        case volumes = "Volumes"
        case labels = "Labels"
        case stopSignal = "StopSignal"
        case healthcheck = "Healthcheck"
        case onBuild = "OnBuild"
        case shell = "Shell"
    }

    /// The empty JSON object OCI uses as the value of `ExposedPorts` and `Volumes` entries.
    private struct Empty: Codable {}

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        env = try container.decodeIfPresent([String].self, forKey: .env) ?? []
        cmd = try container.decodeIfPresent([String].self, forKey: .cmd)
        entrypoint = try container.decodeIfPresent([String].self, forKey: .entrypoint)
        workingDir = try container.decodeIfPresent(String.self, forKey: .workingDir)
        user = try container.decodeIfPresent(String.self, forKey: .user)
        exposedPorts = (try container.decodeIfPresent([String: Empty].self, forKey: .exposedPorts) ?? [:]).keys.sorted()
        volumes = (try container.decodeIfPresent([String: Empty].self, forKey: .volumes) ?? [:]).keys.sorted()
        labels = try container.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        stopSignal = try container.decodeIfPresent(String.self, forKey: .stopSignal)
        healthcheck = try container.decodeIfPresent(ImageHealthcheck.self, forKey: .healthcheck)
        onBuild = try container.decodeIfPresent([String].self, forKey: .onBuild) ?? []
        shell = try container.decodeIfPresent([String].self, forKey: .shell)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if !env.isEmpty { try container.encode(env, forKey: .env) }
        try container.encodeIfPresent(cmd, forKey: .cmd)
        try container.encodeIfPresent(entrypoint, forKey: .entrypoint)
        if let workingDir, !workingDir.isEmpty { try container.encode(workingDir, forKey: .workingDir) }
        if let user, !user.isEmpty { try container.encode(user, forKey: .user) }
        if !exposedPorts.isEmpty {
            try container.encode(
                Dictionary(uniqueKeysWithValues: exposedPorts.map { ($0, Empty()) }), forKey: .exposedPorts)
        }
        if !volumes.isEmpty {
            try container.encode(Dictionary(uniqueKeysWithValues: volumes.map { ($0, Empty()) }), forKey: .volumes)
        }
        if !labels.isEmpty { try container.encode(labels, forKey: .labels) }
        try container.encodeIfPresent(stopSignal, forKey: .stopSignal)
        try container.encodeIfPresent(healthcheck, forKey: .healthcheck)
        if !onBuild.isEmpty { try container.encode(onBuild, forKey: .onBuild) }
        if let shell, !shell.isEmpty { try container.encode(shell, forKey: .shell) }
    }
}
