import Foundation
import Glibc

/// Crash-safe file replacement: temp file, fsync, rename, fsync of the directory. Without
/// `durable` the fsyncs are skipped (still atomic against a crash of the process, not of the machine).
enum AtomicFile {
    static func write(_ data: Data, to path: String, durable: Bool = true) throws {
        let temp = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        if fd < 0 { throw systemError("create", temp) }
        let ok = data.withUnsafeBytes { writeAll(fd, $0) }
        if !ok || (durable && fsync(fd) != 0) {
            let code = errno
            close(fd)
            unlink(temp)
            throw systemError("write", temp, errno: code)
        }
        close(fd)
        if rename(temp, path) != 0 {
            let code = errno
            unlink(temp)
            throw systemError("rename to", path, errno: code)
        }
        guard durable else { return }
        let dir = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        let dfd = open(dir.isEmpty ? "/" : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            fsync(dfd)
            close(dfd)
        }
    }
}
