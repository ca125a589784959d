import Foundation

/// Linux capabilities by name, and Docker's default set.
public enum Capabilities {
    static let names: [String] = [
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
        "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
        "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
        "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
        "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
        "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
    ]

    /// Docker's default capabilities.
    public static let dockerDefault: [String] = [
        "CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID",
        "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE",
    ]

    /// The bit of a capability name ("NET_ADMIN" or "CAP_NET_ADMIN", any case).
    static func bit(_ name: String) throws -> UInt64 {
        var key = name.uppercased()
        if key.hasPrefix("CAP_") { key.removeFirst(4) }
        guard let index = names.firstIndex(of: key) else {
            throw RuntimeError(.invalidArgument, "unknown capability '\(name)': use a name such as NET_ADMIN or ALL")
        }
        return 1 << UInt64(index)
    }

    /// Docker's defaults plus `add` minus `drop` ("ALL" allowed in either), as a bit mask.
    public static func mask(add: [String], drop: [String]) throws -> UInt64 {
        let all: UInt64 = (1 << UInt64(names.count)) - 1
        var mask = try dockerDefault.reduce(UInt64(0)) { $0 | (try bit($1)) }
        if drop.contains(where: { $0.uppercased() == "ALL" }) { mask = 0 }
        // "ALL" means all that we hold ourselves (root here lacks CAP_SYS_RESOURCE, for one).
        let available = ownBoundingSet() ?? all
        if add.contains(where: { $0.uppercased() == "ALL" }) { mask = all & available }
        for name in add where name.uppercased() != "ALL" {
            let capability = try bit(name)
            guard available & capability != 0 else {
                throw RuntimeError(
                    .invalidArgument,
                    "cannot add capability \(name): swiftstack itself does not hold it on this host (see CapBnd in /proc/self/status)"
                )
            }
            mask |= capability
        }
        for name in drop where name.uppercased() != "ALL" { mask &= ~(try bit(name)) }
        return mask & available
    }

    /// Our own bounding set (CapBnd of /proc/self/status), read once per process: it cannot
    /// grow, and the run path asks for it twice (create and start).
    static func ownBoundingSet() -> UInt64? { cachedBoundingSet }

    private static let cachedBoundingSet: UInt64? = {
        guard let status = readSmallFile("/proc/self/status") else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("CapBnd:") {
            return UInt64(line.dropFirst("CapBnd:".count).filter { $0 != " " && $0 != "\t" }, radix: 16)
        }
        return nil
    }()
}
