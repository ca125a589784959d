import Glibc

/// `<root>/tmp`: where every write starts before it is renamed into place.
///
/// Each temporary file or directory is `flock`ed by its creator while in use (creation and the
/// lock happen under `tmp.lock`), so opening the store removes exactly the leftovers of crashed
/// runs and never the work of a live process sharing the store.
struct TemporaryArea: Sendable {
    let path: String
    let lockPath: String

    /// A temporary file or directory, locked until `release()` or deinit.
    final class Item {
        let path: String
        fileprivate let fd: Int32

        fileprivate init(path: String, fd: Int32) {
            self.path = path
            self.fd = fd
        }

        deinit { close(fd) }

        /// Removes the item (whatever is left of it); the lock goes with the item itself.
        func discard() {
            try? FileSystem.removeTree(path)
        }
    }

    func makeDirectory(purpose: String) throws(ImageError) -> Item {
        try StoreLock.withExclusive(lockPath) { () throws(ImageError) -> Item in
            let itemPath = "\(path)/\(purpose)-\(UInt64.random(in: 0 ... .max).hexString)"
            guard mkdir(itemPath, 0o700) == 0 else {
                throw ImageError(.io, "cannot create temporary directory \(itemPath): \(Errno.text(errno))")
            }
            let fd = open(itemPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0, flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                throw ImageError(.io, "cannot lock temporary directory \(itemPath): \(Errno.text(errno))")
            }
            return Item(path: itemPath, fd: fd)
        }
    }

    func makeFile(purpose: String) throws(ImageError) -> (item: Item, writeFD: Int32) {
        try StoreLock.withExclusive(lockPath) { () throws(ImageError) -> (item: Item, writeFD: Int32) in
            let itemPath = "\(path)/\(purpose)-\(UInt64.random(in: 0 ... .max).hexString)"
            let fd = open(itemPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                throw ImageError(.io, "cannot create temporary file \(itemPath): \(Errno.text(errno))")
            }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                close(fd)
                throw ImageError(.io, "cannot lock temporary file \(itemPath): \(Errno.text(errno))")
            }
            let lockFD = dup(fd)
            return (Item(path: itemPath, fd: lockFD), fd)
        }
    }

    /// Removes every item no live process holds.
    func removeLeftovers() throws(ImageError) {
        try StoreLock.withExclusive(lockPath) { () throws(ImageError) in
            let directoryFD = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard directoryFD >= 0 else { throw ImageError(.io, "cannot open \(path): \(Errno.text(errno))") }
            defer { close(directoryFD) }
            for name in try FileSystem.rawEntries(ofDirectory: directoryFD, displayPath: path) {
                let fd = openat(directoryFD, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
                if fd >= 0 {
                    let held = flock(fd, LOCK_EX | LOCK_NB) != 0
                    close(fd)
                    if held { continue }
                }
                try FileSystem.removeTree(
                    in: directoryFD, name: name, displayPath: "\(path)/\(String(nulTerminated: name))")
            }
        }
    }
}
