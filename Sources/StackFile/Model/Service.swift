/// One service of a stack file, in long syntax.
public struct Service: Sendable, Equatable {
    public var name: String
    public var image: String?
    public var build: Build?
    /// `nil`: the image's default. The string form is split as a POSIX shell would (Compose's rule).
    public var command: [String]?
    public var entrypoint: [String]?
    /// Resolved environment: `env_file` entries first, then `environment` on top.
    /// A variable listed without a value and unset on the host is left out.
    public var environment: [String: String]
    public var envFiles: [EnvFile]
    public var ports: [Port]
    public var expose: [String]
    public var volumes: [ServiceVolume]
    public var tmpfs: [String]
    /// Networks the service joins; empty when `networkMode` is set to anything but bridge.
    public var networks: [String: ServiceNetwork]
    public var networkMode: NetworkMode?
    public var dependsOn: [String: Dependency]
    public var healthcheck: Healthcheck?
    public var restart: RestartPolicy
    public var deploy: Deploy?
    public var scale: Int?
    public var containerName: String?
    public var hostname: String?
    public var workingDir: String?
    public var user: String?
    public var labels: [String: String]
    public var stopSignal: String?
    public var stopGracePeriod: TimeSpan?
    public var initProcess: Bool?
    public var readOnly: Bool
    public var capAdd: [String]
    public var capDrop: [String]
    public var extraHosts: [ExtraHost]
    public var profiles: [String]

    public init(name: String) {
        self.name = name
        environment = [:]
        envFiles = []
        ports = []
        expose = []
        volumes = []
        tmpfs = []
        networks = [:]
        dependsOn = [:]
        restart = .no
        labels = [:]
        readOnly = false
        capAdd = []
        capDrop = []
        extraHosts = []
        profiles = []
    }

    /// How many containers the service wants: `deploy.replicas`, else `scale`, else 1.
    public var replicas: Int { deploy?.replicas ?? scale ?? 1 }
}

/// `build:` in long syntax.
public struct Build: Sendable, Equatable {
    public var context: String
    public var dockerfile: String
    public var target: String?
    public var args: [String: String]
    public var labels: [String: String]

    public init(
        context: String, dockerfile: String = "Dockerfile", target: String? = nil,
        args: [String: String] = [:], labels: [String: String] = [:]
    ) {
        self.context = context
        self.dockerfile = dockerfile
        self.target = target
        self.args = args
        self.labels = labels
    }
}

/// One `env_file:` entry.
public struct EnvFile: Sendable, Equatable {
    public var path: String
    public var required: Bool

    public init(path: String, required: Bool = true) {
        self.path = path
        self.required = required
    }
}

/// One published or exposed port mapping, long syntax.
public struct Port: Sendable, Equatable {
    public enum TransportProtocol: String, Sendable, Equatable { case tcp, udp }
    /// Container port (start of a range when `targetEnd` is set).
    public var target: Int
    public var targetEnd: Int?
    /// Host port or range start; `nil`: not published on a fixed port.
    public var published: Int?
    public var publishedEnd: Int?
    /// Host address; `nil` means all addresses.
    public var hostIP: String?
    public var transportProtocol: TransportProtocol

    public init(
        target: Int, targetEnd: Int? = nil, published: Int? = nil, publishedEnd: Int? = nil,
        hostIP: String? = nil, transportProtocol: TransportProtocol = .tcp
    ) {
        self.target = target
        self.targetEnd = targetEnd
        self.published = published
        self.publishedEnd = publishedEnd
        self.hostIP = hostIP
        self.transportProtocol = transportProtocol
    }
}

/// One `volumes:` entry of a service, long syntax.
public struct ServiceVolume: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable { case bind, volume, tmpfs }
    public var type: Kind
    /// Host path (bind, absolute after normalisation), volume name (volume; nil = anonymous), nil (tmpfs).
    public var source: String?
    public var target: String
    public var readOnly: Bool
    /// bind: create the host path if missing (short syntax does, as Compose).
    public var createHostPath: Bool
    /// tmpfs: size in bytes.
    public var tmpfsSize: Int64?

    public init(
        type: Kind, source: String?, target: String, readOnly: Bool = false,
        createHostPath: Bool = false, tmpfsSize: Int64? = nil
    ) {
        self.type = type
        self.source = source
        self.target = target
        self.readOnly = readOnly
        self.createHostPath = createHostPath
        self.tmpfsSize = tmpfsSize
    }
}

/// A service's attachment to one network.
public struct ServiceNetwork: Sendable, Equatable {
    public var aliases: [String]
    public var ipv4Address: String?

    public init(aliases: [String] = [], ipv4Address: String? = nil) {
        self.aliases = aliases
        self.ipv4Address = ipv4Address
    }
}

/// `network_mode:`.
public enum NetworkMode: Sendable, Equatable, CustomStringConvertible {
    case bridge, host, none
    case container(String)
    case service(String)

    public var description: String {
        switch self {
        case .bridge: "bridge"
        case .host: "host"
        case .none: "none"
        case .container(let name): "container:\(name)"
        case .service(let name): "service:\(name)"
        }
    }
}

/// One `depends_on` entry, long syntax.
public struct Dependency: Sendable, Equatable {
    public enum Condition: String, Sendable, Equatable {
        case serviceStarted = "service_started"
        case serviceHealthy = "service_healthy"
        case serviceCompletedSuccessfully = "service_completed_successfully"
    }
    public var condition: Condition
    public var required: Bool
    public var restart: Bool

    public init(condition: Condition = .serviceStarted, required: Bool = true, restart: Bool = false) {
        self.condition = condition
        self.required = required
        self.restart = restart
    }
}

/// `healthcheck:`.
public struct Healthcheck: Sendable, Equatable {
    /// `["CMD", …]`, `["CMD-SHELL", "…"]` or `["NONE"]`; a string is normalised to CMD-SHELL.
    public var test: [String]?
    public var interval: TimeSpan
    public var timeout: TimeSpan
    public var retries: Int
    public var startPeriod: TimeSpan
    public var startInterval: TimeSpan
    public var disable: Bool

    public init(
        test: [String]? = nil, interval: TimeSpan = .seconds(30), timeout: TimeSpan = .seconds(30),
        retries: Int = 3, startPeriod: TimeSpan = .zero, startInterval: TimeSpan = .seconds(5),
        disable: Bool = false
    ) {
        self.test = test
        self.interval = interval
        self.timeout = timeout
        self.retries = retries
        self.startPeriod = startPeriod
        self.startInterval = startInterval
        self.disable = disable
    }
}

/// `restart:`.
public enum RestartPolicy: Sendable, Equatable, CustomStringConvertible {
    case no, always, unlessStopped
    case onFailure(maxRetries: Int?)

    public var description: String {
        switch self {
        case .no: "no"
        case .always: "always"
        case .unlessStopped: "unless-stopped"
        case .onFailure(let max): max.map { "on-failure:\($0)" } ?? "on-failure"
        }
    }
}

/// `deploy:`.
public struct Deploy: Sendable, Equatable {
    public var replicas: Int?
    public var limits: ResourceLimits
    public var restartPolicy: DeployRestartPolicy?
    public var updateConfig: UpdateConfig?
    public var rollbackConfig: UpdateConfig?

    public init(
        replicas: Int? = nil, limits: ResourceLimits = ResourceLimits(),
        restartPolicy: DeployRestartPolicy? = nil, updateConfig: UpdateConfig? = nil,
        rollbackConfig: UpdateConfig? = nil
    ) {
        self.replicas = replicas
        self.limits = limits
        self.restartPolicy = restartPolicy
        self.updateConfig = updateConfig
        self.rollbackConfig = rollbackConfig
    }
}

/// `deploy.resources.limits`.
public struct ResourceLimits: Sendable, Equatable {
    /// CPUs as a fraction (`0.5`).
    public var cpus: Double?
    /// Bytes.
    public var memory: Int64?
    public var pids: Int?

    public init(cpus: Double? = nil, memory: Int64? = nil, pids: Int? = nil) {
        self.cpus = cpus
        self.memory = memory
        self.pids = pids
    }
}

/// `deploy.restart_policy`.
public struct DeployRestartPolicy: Sendable, Equatable {
    public enum Condition: String, Sendable, Equatable {
        case none
        case onFailure = "on-failure"
        case any
    }
    public var condition: Condition
    public var delay: TimeSpan
    public var maxAttempts: Int?
    public var window: TimeSpan?

    public init(
        condition: Condition = .any, delay: TimeSpan = .seconds(5), maxAttempts: Int? = nil, window: TimeSpan? = nil
    ) {
        self.condition = condition
        self.delay = delay
        self.maxAttempts = maxAttempts
        self.window = window
    }
}

/// `deploy.update_config` / `deploy.rollback_config`.
public struct UpdateConfig: Sendable, Equatable {
    public enum FailureAction: String, Sendable, Equatable { case `continue`, rollback, pause }
    public enum Order: String, Sendable, Equatable {
        case stopFirst = "stop-first"
        case startFirst = "start-first"
    }
    public var parallelism: Int
    public var delay: TimeSpan
    public var failureAction: FailureAction
    public var monitor: TimeSpan
    public var maxFailureRatio: Double
    public var order: Order

    public init(
        parallelism: Int = 1, delay: TimeSpan = .zero, failureAction: FailureAction = .pause,
        monitor: TimeSpan = .seconds(5), maxFailureRatio: Double = 0, order: Order = .stopFirst
    ) {
        self.parallelism = parallelism
        self.delay = delay
        self.failureAction = failureAction
        self.monitor = monitor
        self.maxFailureRatio = maxFailureRatio
        self.order = order
    }
}

/// `extra_hosts:` entry.
public struct ExtraHost: Sendable, Equatable {
    public var hostname: String
    public var address: String

    public init(hostname: String, address: String) {
        self.hostname = hostname
        self.address = address
    }
}
