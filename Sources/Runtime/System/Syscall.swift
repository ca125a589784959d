import CShim
import Glibc

/// errno as text.
func errnoText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

/// A RuntimeError(.system) for a failed syscall, naming the operation and the path.
func systemError(_ what: String, _ path: String? = nil, errno code: Int32 = errno) -> RuntimeError {
    let place = path.map { " \($0)" } ?? ""
    return RuntimeError(.system, "\(what)\(place): \(errnoText(code))")
}

/// Retries a syscall interrupted by a signal.
@discardableResult
func retryingEINTR<T: BinaryInteger>(_ call: () -> T) -> T {
    while true {
        let result = call()
        if result == -1 && errno == EINTR { continue }
        return result
    }
}

/// Writes all of `bytes` to `fd`.
func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let n = retryingEINTR { write(fd, bytes.baseAddress! + offset, bytes.count - offset) }
        if n <= 0 { return false }
        offset += n
    }
    return true
}

func writeAll(_ fd: Int32, _ text: String) -> Bool {
    var text = text
    return text.withUTF8 { writeAll(fd, UnsafeRawBufferPointer($0)) }
}

/// Reads a whole (small) file, or nil.
func readSmallFile(_ path: String) -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { return nil }
    defer { close(fd) }
    // Read straight into the result's spare capacity (no zeroed 64 KiB buffer per call).
    var result = [UInt8]()
    var length = 0
    while true {
        if result.count - length < 4096 { result.append(contentsOf: repeatElement(0, count: max(4096, result.count))) }
        let n = result.withUnsafeMutableBytes { buffer in
            retryingEINTR { read(fd, buffer.baseAddress! + length, buffer.count - length) }
        }
        if n < 0 { return nil }
        if n == 0 { break }
        length += n
    }
    return String(decoding: result[0..<length], as: UTF8.self)
}

/// Writes `text` to an existing kernel file (cgroupfs, procfs), reporting the errno.
func writeKernelFile(_ path: String, _ text: String) throws {
    let fd = open(path, O_WRONLY | O_CLOEXEC)
    if fd < 0 { throw systemError("open", path) }
    defer { close(fd) }
    var text = text
    let ok = text.withUTF8 { buffer in
        retryingEINTR { write(fd, buffer.baseAddress, buffer.count) } == buffer.count
    }
    if !ok { throw systemError("write '\(text)' to", path) }
}

/// A close-on-exec pipe: (read, write). Created close-on-exec atomically (pipe2): with
/// `pipe` + `fcntl`, a process spawned by another thread in between inherits the ends, and a
/// reader waiting for EOF then waits as long as that process lives.
public func makePipe() throws -> (read: Int32, write: Int32) {
    var fds: [Int32] = [-1, -1]
    if cshim_pipe_cloexec(&fds) != 0 { throw systemError("pipe2") }
    return (fds[0], fds[1])
}

func fileExists(_ path: String) -> Bool { access(path, F_OK) == 0 }

func isDirectory(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
}

/// `mkdir -p` with a mode.
func makeDirectories(_ path: String, mode: mode_t = 0o755) throws {
    if isDirectory(path) { return }
    var prefix = ""
    for component in path.split(separator: "/", omittingEmptySubsequences: true) {
        prefix += "/" + component
        if mkdir(prefix, mode) != 0 && errno != EEXIST { throw systemError("mkdir", prefix) }
    }
}
