import Foundation
import Glibc

/// One `reconcile` per project: an exclusive `flock` on `<run>/locks/<project>.reconcile`,
/// taken without waiting (two reconcilers would fight over every edit), holder pid inside.
/// The kernel drops it when the holder dies, however it dies.
public final class ReconcileLock {
    private let fd: Int32
    public let path: String

    /// Takes the lock, or throws `.locked` naming the reconcile that holds it.
    public init(runDirectory: String, project: String) throws {
        let directory = runDirectory + "/locks"
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        path = "\(directory)/\(project).reconcile"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw OrchestratorError.system("open", path) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let failure = errno
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = pread(fd, &buffer, buffer.count, 0)
            close(fd)
            guard failure == EWOULDBLOCK else { throw OrchestratorError.system("lock", path) }
            let holder =
                count > 0
                ? String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                : "?"
            throw OrchestratorError(
                .locked, "project \(project) is already kept converged by another reconcile (pid \(holder))",
                hint: "stop that one first (SIGTERM), or let it apply your edits")
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    deinit {
        _ = ftruncate(fd, 0)
        close(fd)
    }
}
