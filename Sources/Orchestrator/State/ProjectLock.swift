import Foundation
import Glibc

/// One command at a time per project: an exclusive `flock` on `<run>/locks/<project>.lock`.
/// The holder writes its pid into the file so a waiting command can say who holds it. The
/// kernel drops the lock when the holder dies, however it dies.
public final class ProjectLock {
    private let fd: Int32
    public let path: String

    /// Takes the lock, waiting for it if another command holds it; `waiting` is called once
    /// with the holder's pid (if known) before blocking.
    public init(runDirectory: String, project: String, waiting: (Int32?) -> Void = { _ in }) throws {
        let directory = runDirectory + "/locks"
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        path = "\(directory)/\(project).lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw OrchestratorError.system("open", path) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK else {
                close(fd)
                throw OrchestratorError.system("lock", path)
            }
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &buffer, buffer.count, 0)
            waiting(
                n > 0
                    ? Int32(
                        String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
                    : nil)
            while flock(fd, LOCK_EX) != 0 {
                guard errno == EINTR else {
                    close(fd)
                    throw OrchestratorError.system("lock", path)
                }
            }
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
