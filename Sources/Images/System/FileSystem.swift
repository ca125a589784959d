import CArchive  // syncfs (Glibc's Swift module leaves the GNU extensions out)
import Glibc

/// Path-based file operations the store needs, each failing with an `ImageError` that names the path.
enum FileSystem {
    /// Creates `path` and its missing parents with exactly `mode`, whatever the umask.
    static func makeDirectories(_ path: String, mode: mode_t = 0o755) throws(ImageError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, mode) == 0 {
                // mkdir obeyed the umask; a layer root must be exactly `mode` (containers traverse it).
                chmod(current, mode)
            } else if errno != EEXIST {
                throw ImageError(.io, "cannot create directory \(current): \(Errno.text(errno))")
            }
        }
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Reads a whole (small) file.
    static func read(_ path: String) throws(ImageError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ImageError(errno == ENOENT ? .notFound : .io, "cannot open \(path): \(Errno.text(errno))")
        }
        defer { close(fd) }
        var bytes = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ImageError(.io, "cannot read \(path): \(Errno.text(errno))")
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: buffer[0..<count])
        }
    }

    /// Writes all of `bytes` to `fd`.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(ImageError) {
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw ImageError(.io, "cannot write \(path): \(Errno.text(errno))")
            }
            offset += written
        }
    }

    /// fsyncs a directory so a rename into it survives a crash.
    static func syncDirectory(_ path: String) throws(ImageError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw ImageError(.io, "cannot open directory \(path): \(Errno.text(errno))") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw ImageError(.io, "cannot fsync directory \(path): \(Errno.text(errno))") }
    }

    /// Writes back every dirty page of the file system holding `path` (one call instead of an
    /// fsync per file of a freshly unpacked tree).
    static func syncFileSystem(of path: String) throws(ImageError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw ImageError(.io, "cannot open directory \(path): \(Errno.text(errno))") }
        defer { close(fd) }
        guard syncfs(fd) == 0 else {
            throw ImageError(.io, "cannot sync the file system of \(path): \(Errno.text(errno))")
        }
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Removes `path` and everything below it without following symbolic links. Missing is fine.
    static func removeTree(_ path: String) throws(ImageError) {
        let parentFD = open(parent(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard parentFD >= 0 else {
            if errno == ENOENT { return }
            throw ImageError(.io, "cannot open \(parent(of: path)): \(Errno.text(errno))")
        }
        defer { close(parentFD) }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        try removeTree(in: parentFD, name: Array(name.utf8CString), displayPath: path)
    }

    /// Removes the entry `name` (NUL-terminated) of the directory `directoryFD`, recursively,
    /// never following symbolic links.
    static func removeTree(in directoryFD: Int32, name: [CChar], displayPath: String) throws(ImageError) {
        if unlinkat(directoryFD, name, 0) == 0 || errno == ENOENT { return }
        guard errno == EISDIR || errno == EPERM else {
            throw ImageError(.io, "cannot remove \(displayPath): \(Errno.text(errno))")
        }
        let fd = openat(directoryFD, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw ImageError(.io, "cannot open \(displayPath): \(Errno.text(errno))") }
        defer { close(fd) }
        for child in try rawEntries(ofDirectory: fd, displayPath: displayPath) {
            try removeTree(in: fd, name: child, displayPath: displayPath + "/" + String(nulTerminated: child))
        }
        if unlinkat(directoryFD, name, AT_REMOVEDIR) != 0 && errno != ENOENT {
            throw ImageError(.io, "cannot remove directory \(displayPath): \(Errno.text(errno))")
        }
    }

    /// Names in a directory (without `.` and `..`) as NUL-terminated bytes, sorted bytewise, so
    /// names that are not UTF-8 survive. Does not consume `fd`.
    static func rawEntries(ofDirectory fd: Int32, displayPath: String) throws(ImageError) -> [[CChar]] {
        let copy = dup(fd)
        guard copy >= 0, let stream = fdopendir(copy) else {
            throw ImageError(.io, "cannot read directory \(displayPath): \(Errno.text(errno))")
        }
        defer { closedir(stream) }
        rewinddir(stream)
        var names = [[CChar]]()
        while let entry = readdir(stream) {
            let name: [CChar] = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                raw.prefix(while: { $0 != 0 }).map { CChar(bitPattern: $0) } + [0]
            }
            if name != [46, 0] && name != [46, 46, 0] { names.append(name) }
        }
        return names.sorted {
            $0.map { UInt8(bitPattern: $0) }.lexicographicallyPrecedes($1.map { UInt8(bitPattern: $0) })
        }
    }

    /// Names in a directory (without `.` and `..`), sorted bytewise. Does not consume `fd`.
    static func entries(ofDirectory fd: Int32, displayPath: String) throws(ImageError) -> [String] {
        try rawEntries(ofDirectory: fd, displayPath: displayPath).map { String(nulTerminated: $0) }
    }

    /// Names in the directory at `path`, sorted; empty when it does not exist.
    static func entries(ofDirectoryAt path: String) throws(ImageError) -> [String] {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return [] }
            throw ImageError(.io, "cannot open directory \(path): \(Errno.text(errno))")
        }
        defer { close(fd) }
        return try entries(ofDirectory: fd, displayPath: path)
    }
}

extension UInt64 {
    /// Sixteen lower-case hex digits.
    var hexString: String {
        let digits = String(self, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
