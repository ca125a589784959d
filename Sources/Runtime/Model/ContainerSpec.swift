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

/// A mount inside the container. Targets are absolute container paths.
public struct Mount: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// A host path (file or directory).
        case bind
        /// A named volume: a host directory swiftstack manages, created when missing. `source` is
        /// its path, or a bare name for `<stateRoot>/volumes/<name>/_data`.
        case volume
        case tmpfs
    }

    public var kind: Kind
    public var source: String
    public var target: String
    public var readOnly: Bool
    /// tmpfs options ("size=64m,mode=1777").
    public var options: String

    public init(kind: Kind, source: String = "", target: String, readOnly: Bool = false, options: String = "") {
        self.kind = kind
        self.source = source
        self.target = target
        self.readOnly = readOnly
        self.options = options
    }

    /// Parses Docker's `-v SRC:DST[:ro|rw]`.
    public static func parseVolume(_ text: String) throws -> Mount {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw RuntimeError(.invalidArgument, "invalid volume '\(text)': expected SOURCE:TARGET[:ro]")
        }
        var readOnly = false
        if parts.count == 3 {
            switch parts[2] {
            case "ro": readOnly = true
            case "rw", "": readOnly = false
            default:
                throw RuntimeError(
                    .invalidArgument, "invalid volume '\(text)': unknown option '\(parts[2])' (use ro or rw)")
            }
        }
        guard parts[1].hasPrefix("/") else {
            throw RuntimeError(.invalidArgument, "invalid volume '\(text)': the target must be an absolute path")
        }
        var source = parts[0]
        if source == "." || source.hasPrefix("./") || source.hasPrefix("../") {
            // A relative host path is a bind mount of that path below the current directory.
            source = FileManager.default.currentDirectoryPath + "/" + source
        }
        return Mount(
            kind: source.hasPrefix("/") ? .bind : .volume, source: source, target: parts[1], readOnly: readOnly)
    }
}

/// Which network namespace a container lives in.
public enum NetworkMode: Codable, Sendable, Equatable {
    /// A fresh namespace with only `lo` (`--network none`, or one the network layer wires up).
    case isolated
    /// The host's namespace.
    case host
    /// Another container's namespace (`container:NAME`), by the id of that container.
    case container(String)
    /// A namespace prepared by the network layer and pinned at this path (a bind-mounted
    /// `/proc/PID/ns/net`), so its veth and address exist before the container's first process.
    case namespace(String)
}

/// cgroup limits; nil means unlimited.
public struct ResourceLimits: Codable, Sendable, Equatable {
    public var memoryBytes: Int64?
    /// CPUs as a fraction (0.5 = half a CPU): CFS quota over a 100 ms period.
    public var cpus: Double?
    public var pids: Int?
    /// Soft/hard open-files limit; never raised above the current hard limit.
    public var openFiles: UInt64?

    public init(memoryBytes: Int64? = nil, cpus: Double? = nil, pids: Int? = nil, openFiles: UInt64? = nil) {
        self.memoryBytes = memoryBytes
        self.cpus = cpus
        self.pids = pids
        self.openFiles = openFiles
    }

    /// Parses Docker's memory sizes: "64m", "1g", "512k", "1048576", "100b".
    public static func parseBytes(_ text: String) throws -> Int64 {
        let lower = text.lowercased()
        let units: [(String, Int64)] = [
            ("kb", 1 << 10), ("mb", 1 << 20), ("gb", 1 << 30), ("k", 1 << 10),
            ("m", 1 << 20), ("g", 1 << 30), ("b", 1),
        ]
        for (suffix, factor) in units where lower.hasSuffix(suffix) {
            if let value = Double(lower.dropLast(suffix.count)), value > 0 { return Int64(value * Double(factor)) }
            break
        }
        if let value = Int64(lower), value > 0 { return value }
        throw RuntimeError(
            .invalidArgument, "invalid memory size '\(text)': use a number with an optional unit (b, k, m, g), e.g. 64m"
        )
    }
}

/// A process to start inside a running container (`exec`).
public struct ExecSpec: Sendable {
    public var command: [String]
    /// Extra "KEY=VALUE" entries on top of the container's environment.
    public var environment: [String]
    /// nil: the container's user.
    public var user: String?
    /// nil: the container's working directory.
    public var workingDirectory: String?
    public var tty: Bool

    public init(
        command: [String], environment: [String] = [], user: String? = nil,
        workingDirectory: String? = nil, tty: Bool = false
    ) {
        self.command = command
        self.environment = environment
        self.user = user
        self.workingDirectory = workingDirectory
        self.tty = tty
    }
}
