import CShim
import Glibc

/// The unix socket pair over which the child sends the master of the pty it opened.
final class ConsoleChannel {
    private var fds: [Int32] = [-1, -1]

    init() throws {
        if cshim_socketpair_cloexec(&fds) != 0 { throw systemError("socketpair for the console") }
    }

    var childEnd: Int32 { fds[1] }

    func closeChildEnd() {
        if fds[1] >= 0 { close(fds[1]) }
        fds[1] = -1
    }

    func closeParentEnd() {
        if fds[0] >= 0 { close(fds[0]) }
        fds[0] = -1
    }

    func receiveMaster() -> Int32 { cshim_recv_fd(fds[0]) }

    deinit {
        closeChildEnd()
        closeParentEnd()
    }
}
