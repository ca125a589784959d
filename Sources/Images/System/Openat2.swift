import CShim
import Glibc

/// `openat2(2)` confined beneath a directory: the kernel refuses (EXDEV) any resolution that
/// would leave `directoryFD` through `..` or a symbolic link, absolute or relative, and never
/// follows procfs magic links. Symbolic links that stay inside are followed.
enum ContainedOpen {
    /// Opens `path` below `directoryFD`. Returns the descriptor or the errno.
    static func open(_ path: [CChar], below directoryFD: Int32, flags: Int32, mode: mode_t = 0) -> Outcome {
        var attempts = 0
        while true {
            let fd = cshim_openat2(
                directoryFD, path, UInt64(UInt32(bitPattern: flags | O_CLOEXEC)), UInt64(mode),
                CSHIM_RESOLVE_BENEATH | CSHIM_RESOLVE_NO_MAGICLINKS)
            if fd >= 0 { return .opened(fd) }
            let code = errno
            // The kernel answers EAGAIN when a concurrent rename might have let a walk escape; retry.
            if (code == EAGAIN || code == EINTR) && attempts < 16 {
                attempts += 1
                continue
            }
            return .failed(errno: code)
        }
    }

    /// A descriptor, or the errno that refused it.
    enum Outcome {
        case opened(Int32)
        case failed(errno: Int32)
    }
}
