import Foundation
import Glibc

/// The supervisor's control socket: a thread that accepts connections on a root-only Unix
/// socket and answers each request line with one line.
final class ControlServer: Sendable {
    private let fd: Int32
    let path: String

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    /// Listens on `path` (mode 0600) and answers with `handle` on a thread of its own.
    static func start(path: String, handle: @escaping @Sendable (String) -> String) throws -> ControlServer {
        let fd = UnixSocket.open(path, listen: true)
        guard fd >= 0 else { throw OrchestratorError.system("listen on", path) }
        let server = ControlServer(fd: fd, path: path)
        Thread.detachNewThread {
            while true {
                let connection = accept(fd, nil, nil)
                if connection >= 0 { _ = fcntl(connection, F_SETFD, FD_CLOEXEC) }
                if connection < 0 {
                    if errno == EINTR || errno == ECONNABORTED { continue }
                    return
                }
                if let request = UnixSocket.readLine(connection, milliseconds: 1000) {
                    UnixSocket.writeLine(connection, handle(request.trimmingCharacters(in: .whitespaces)))
                }
                close(connection)
            }
        }
        return server
    }

    /// Stops accepting and removes the socket.
    func stop() {
        unlink(path)
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}
