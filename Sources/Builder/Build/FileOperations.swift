import Glibc

/// The few file-system calls the executor makes on host paths it controls (staging
/// directories), with errors as `BuilderError`. Never follows symbolic links it finds.
enum FileOperations {
    static func readFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return count == 0 ? result : nil }
            result.append(contentsOf: buffer[0..<count])
        }
    }

    /// Copies the regular file `source` to the new file `target` (opened with `O_NOFOLLOW`
    /// at both ends, so a link swapped in cannot redirect either side).
    static func copyFile(_ source: String, to target: String, mode: mode_t) throws {
        let input = open(source, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard input >= 0 else { throw failure("open", source) }
        defer { close(input) }
        let output = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard output >= 0 else { throw failure("create", target) }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 1 << 17)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 { throw failure("read", source) }
            if count == 0 { break }
            var written = 0
            while written < count {
                let step = buffer.withUnsafeBytes { write(output, $0.baseAddress! + written, count - written) }
                if step < 0 && errno == EINTR { continue }
                if step <= 0 { throw failure("write", target) }
                written += step
            }
        }
        fchmod(output, mode)
    }

    static func writeFile(_ bytes: [UInt8], to target: String, mode: mode_t) throws {
        let output = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode)
        guard output >= 0 else { throw failure("create", target) }
        defer { close(output) }
        var written = 0
        while written < bytes.count {
            let step = bytes.withUnsafeBytes { write(output, $0.baseAddress! + written, bytes.count - written) }
            if step < 0 && errno == EINTR { continue }
            if step <= 0 { throw failure("write", target) }
            written += step
        }
        fchmod(output, mode)
    }

    /// Creates `path` and missing parents (each new one with `mode`).
    static func makeDirectories(_ path: String, mode: mode_t = 0o755) throws {
        if let status = LayeredTree.lstatus(path) {
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw BuilderError(.io, "cannot create directory \(path): a file of another kind is in the way")
            }
            return
        }
        let parent = parentPath(path)
        if parent != path { try makeDirectories(parent, mode: mode) }
        if mkdir(path, mode) != 0 && errno != EEXIST { throw failure("mkdir", path) }
        chmod(path, mode)
    }

    static func setOwner(_ path: String, uid: UInt32, gid: UInt32) throws {
        if lchown(path, uid, gid) != 0 { throw failure("chown", path) }
    }

    /// Sets the modification (and access) time of `path` without following a link.
    static func setModificationTime(_ path: String, seconds: Int, nanoseconds: Int) {
        var times = [
            timespec(tv_sec: seconds, tv_nsec: nanoseconds), timespec(tv_sec: seconds, tv_nsec: nanoseconds),
        ]
        utimensat(AT_FDCWD, path, &times, AT_SYMLINK_NOFOLLOW)
    }

    /// Removes `path` and everything below it; never follows links.
    static func removeTree(_ path: String) {
        guard let status = LayeredTree.lstatus(path) else { return }
        if status.st_mode & S_IFMT == S_IFDIR {
            for name in LayeredTree.names(in: path) { removeTree(path + "/" + name) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }

    static func parentPath(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func baseName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    static func failure(_ operation: String, _ path: String) -> BuilderError {
        BuilderError(.io, "cannot \(operation) \(path): \(String(cString: strerror(errno)))")
    }
}
