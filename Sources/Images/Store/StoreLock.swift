import Glibc

/// An advisory `flock` on a file of the store, held for the duration of a closure, so CLI runs,
/// supervisors and tests that share a state root serialise their index updates.
enum StoreLock {
    static func withExclusive<T>(_ path: String, _ body: () throws(ImageError) -> T) throws(ImageError) -> T {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ImageError(.io, "cannot open lock file \(path): \(Errno.text(errno))") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw ImageError(.io, "cannot lock \(path): \(Errno.text(errno))") }
        }
        return try body()
    }
}
