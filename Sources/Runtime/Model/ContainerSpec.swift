import Foundation

/// Everything needed to create one container. Persisted as `config.json` in its directory.
public struct ContainerSpec: Codable, Sendable, Equatable {
    /// Unique id (hex); names the directory, the cgroups and the log.
    public var id: String
    /// Unique human name (`--name`).
    public var name: String
    /// The image reference, for display only.
    public var image: String
    /// Read-only lower directories of the root filesystem, LOWEST FIRST (as image layers stack).
    public var lowerDirectories: [String]
    /// The final argv (entrypoint + command already combined, see `ContainerSpec.combine`).
    public var command: [String]
    /// "KEY=VALUE" entries.
    public var environment: [String]
    /// Absolute working directory inside the container; created when missing.
    public var workingDirectory: String
    /// `user[:group]` by name or id, resolved from the image's /etc/passwd and /etc/group; "" is root.
    public var user: String
    public var hostname: String
    public var mounts: [Mount]
    public var network: NetworkMode
    public var limits: ResourceLimits
    /// Capabilities added to / dropped from Docker's default set ("NET_ADMIN", "CAP_NET_ADMIN", "ALL").
    public var capAdd: [String]
    public var capDrop: [String]
    public var readOnlyRootfs: Bool
    /// Run a minimal init as PID 1 that forwards signals and reaps zombies.
    public var useInit: Bool
    public var tty: Bool
    /// Signal sent by `stop` before the grace period ends in SIGKILL.
    public var stopSignal: Int32
    public var stopTimeoutSeconds: Int
    /// Delete the container once it exits (`run --rm`).
    public var autoRemove: Bool
    /// Extra lines for /etc/hosts ("ADDRESS NAME…"); the network layer fills them.
    public var extraHosts: [String]
    /// Name servers for /etc/resolv.conf; empty copies the host's file.
    public var dnsServers: [String]
    /// Free-form metadata, as Docker's labels; the orchestrator records project, service,
    /// replica number and config hash here, so ownership survives with the container itself.
    public var labels: [String: String]

    public init(
        id: String = ContainerSpec.newID(), name: String = "", image: String = "",
        lowerDirectories: [String], command: [String], environment: [String] = [],
        workingDirectory: String = "/", user: String = "", hostname: String = "",
        mounts: [Mount] = [], network: NetworkMode = .isolated, limits: ResourceLimits = .init(),
        capAdd: [String] = [], capDrop: [String] = [], readOnlyRootfs: Bool = false,
        useInit: Bool = false, tty: Bool = false, stopSignal: Int32 = 15, stopTimeoutSeconds: Int = 10,
        autoRemove: Bool = false, extraHosts: [String] = [], dnsServers: [String] = [],
        labels: [String: String] = [:]
    ) {
        self.id = id
        self.name = name.isEmpty ? String(id.prefix(12)) : name
        self.image = image
        self.lowerDirectories = lowerDirectories
        self.command = command
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.user = user
        self.hostname = hostname.isEmpty ? String(id.prefix(12)) : hostname
        self.mounts = mounts
        self.network = network
        self.limits = limits
        self.capAdd = capAdd
        self.capDrop = capDrop
        self.readOnlyRootfs = readOnlyRootfs
        self.useInit = useInit
        self.tty = tty
        self.stopSignal = stopSignal
        self.stopTimeoutSeconds = stopTimeoutSeconds
        self.autoRemove = autoRemove
        self.extraHosts = extraHosts
        self.dnsServers = dnsServers
        self.labels = labels
    }

    /// A fresh random 64-hex-digit id.
    public static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let hex = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// Docker's combination of an image's ENTRYPOINT and CMD with the command line's arguments:
    /// arguments replace CMD; `entrypointOverride` replaces ENTRYPOINT (and then CMD is dropped).
    public static func combine(
        entrypoint: [String], cmd: [String], arguments: [String],
        entrypointOverride: [String]? = nil
    ) -> [String] {
        if let entrypointOverride {
            return entrypointOverride + arguments
        }
        return entrypoint + (arguments.isEmpty ? cmd : arguments)
    }
}
