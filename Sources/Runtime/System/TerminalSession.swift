import CShim
import Glibc

/// A pseudo-terminal for `-t`: the container gets the slave, we relay the master.
public struct TerminalSession {
    public let master: Int32
    public let slave: Int32
    private var saved = [UInt8](repeating: 0, count: 128)
    private var raw = false

    public init() throws {
        var master: Int32 = -1, slave: Int32 = -1
        if cshim_open_pty(&master, &slave) != 0 {
            throw RuntimeError(.system, "cannot allocate a pseudo-terminal: \(String(cString: strerror(errno)))")
        }
        self.master = master
        self.slave = slave
        _ = cshim_tty_copy_size(0, master)
    }

    /// Puts our own terminal (when stdin is one) into raw mode so keys go to the container.
    public mutating func enterRawMode() {
        guard isatty(0) == 1 else { return }
        raw = saved.withUnsafeMutableBytes { cshim_tty_raw(0, $0.baseAddress, Int32($0.count)) } == 0
    }

    public func restore() {
        if raw { _ = saved.withUnsafeBytes { cshim_tty_restore(0, $0.baseAddress) } }
    }
}

