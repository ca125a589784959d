import CShim
import Glibc

/// Our own terminal while attached to a container's pty: raw mode so keys go to the container,
/// restored afterwards.
public struct TerminalMode {
    private var saved = [UInt8](repeating: 0, count: 128)
    private var raw = false

    public init() {}

    /// Copies our window size to the container's pty master.
    public static func copyWindowSize(to master: Int32) {
        _ = cshim_tty_copy_size(0, master)
    }

    /// Puts our terminal (when stdin is one) into raw mode.
    public mutating func enterRawMode() {
        guard isatty(0) == 1 else { return }
        raw = saved.withUnsafeMutableBytes { cshim_tty_raw(0, $0.baseAddress, Int32($0.count)) } == 0
    }

    public func restore() {
        if raw { _ = saved.withUnsafeBytes { cshim_tty_restore(0, $0.baseAddress) } }
    }
}
