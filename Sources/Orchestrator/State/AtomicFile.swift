import Foundation
import Glibc

/// Whole-file replacement that a crash can never leave half-written: write a temporary file
/// beside the target, fsync it, rename it over the target, fsync the directory.
enum AtomicFile {
    static func write(_ data: Data, to path: String, mode: mode_t = 0o600) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw OrchestratorError.system("create", temporary) }
        var ok = data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            let error = OrchestratorError.system("write", path)
            unlink(temporary)
            throw error
        }
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }

    /// Encodes `value` as JSON and writes it atomically.
    static func write<T: Encodable>(json value: T, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try write(try encoder.encode(value), to: path)
    }
}

extension OrchestratorError {
    /// The failed system call `operation` on `path`, with errno's text.
    static func system(_ operation: String, _ path: String) -> OrchestratorError {
        OrchestratorError(.engine, "\(operation) \(path): \(String(cString: strerror(errno)))")
    }
}
