/// One container as stored on disk: its spec, its last recorded state, and where its files live.
public struct Container: Sendable {
    public let spec: ContainerSpec
    public internal(set) var state: ContainerState
    /// `<stateRoot>/containers/<id>`
    public let directory: String

    public var id: String { spec.id }
    public var name: String { spec.name }
    /// JSON lines: {"time": RFC 3339 with nanoseconds, "stream": "stdout"|"stderr", "log": text}.
    public var logPath: String { directory + "/container.log" }
    /// The overlay's upper directory: everything the container wrote to its root filesystem.
    public var upperDirectory: String { directory + "/upper" }
    var workDirectory: String { directory + "/work" }
    var rootfsMountPoint: String { directory + "/rootfs" }
    var configPath: String { directory + "/config.json" }
    var statePath: String { directory + "/state.json" }
    var hostsPath: String { directory + "/hosts" }
    var hostnamePath: String { directory + "/hostname" }
    var resolvConfPath: String { directory + "/resolv.conf" }

    /// The identity of the container's first process when it is alive now.
    public var liveProcess: ProcessIdentity? {
        guard state.status == .running, let pid = state.pid, let start = state.pidStartTime else { return nil }
        let identity = ProcessIdentity(pid: pid, startTime: start)
        return identity.isAlive ? identity : nil
    }

    public var isRunning: Bool { liveProcess != nil }

    /// Whether the process that owns the container (its parent) is still alive.
    var ownerAlive: Bool {
        guard let pid = state.ownerPid, let start = state.ownerStartTime else { return false }
        return ProcessIdentity(pid: pid, startTime: start).isAlive
    }
}
