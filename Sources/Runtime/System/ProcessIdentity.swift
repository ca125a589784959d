import Glibc

/// A pid together with its start time, so that a pid the kernel reused is never mistaken for ours.
public struct ProcessIdentity: Sendable, Equatable {
    public let pid: Int32
    public let startTime: UInt64

    /// The identity of a live process now, or nil when it does not exist (or is a zombie).
    public static func current(_ pid: Int32) -> ProcessIdentity? {
        guard let (start, state) = readStat(pid), state != "Z", state != "X" else { return nil }
        return ProcessIdentity(pid: pid, startTime: start)
    }

    /// The identity of an unreaped child of ours, even if it has already exited: until we reap
    /// it its pid cannot be reused, so a zombie's start time is its own. (A container whose
    /// command exits at once is a zombie by the time its start is recorded.)
    public static func unreapedChild(_ pid: Int32) -> ProcessIdentity? {
        guard let (start, _) = readStat(pid) else { return nil }
        return ProcessIdentity(pid: pid, startTime: start)
    }

    /// Whether this very process (same pid AND start time) is still alive.
    public var isAlive: Bool { ProcessIdentity.current(pid) == self }

    /// Field 22 (starttime) and field 3 (state) of /proc/PID/stat; the command name (field 2) may
    /// hold spaces and parentheses, so fields are counted after the LAST ')'.
    static func readStat(_ pid: Int32) -> (UInt64, Character)? {
        guard pid > 0, let text = readSmallFile("/proc/\(pid)/stat"),
            let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state); field 22 is fields[19].
        guard fields.count > 19, let start = UInt64(fields[19]), let state = fields[0].first else { return nil }
        return (start, state)
    }
}
