import FoundationEssentials
import Glibc

extension AddressAllocator {
    var statePath: String { directory + "/ipam.json" }
    var lockPath: String { directory + "/ipam.lock" }

    /// Runs one read-modify-write of the state under the exclusive lock; writes only when the
    /// state changed.
    func withState<T>(_ body: (inout AllocatorState) throws(NetworkError) -> T) throws(NetworkError) -> T {
        try createDirectory()
        let lock = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw storageError("opening the IPAM lock \(lockPath)") }
        defer { close(lock) }  // closing releases the flock
        var locked: Int32
        repeat { locked = flock(lock, LOCK_EX) } while locked != 0 && errno == EINTR
        guard locked == 0 else { throw storageError("locking \(lockPath)") }

        let original = try readState()
        var state = original.state
        let result = try body(&state)
        let encoded = state.encodedJSON()
        if encoded != original.bytes { try writeAtomically(encoded) }
        return result
    }

    /// The state as last written, without the lock: writes replace the file by a rename, so a
    /// reader always sees one whole version. Readers (the name servers, which look on every
    /// container change) thus never hold up an allocation.
    func snapshot() throws(NetworkError) -> AllocatorState {
        try readState().state
    }

    private func readState() throws(NetworkError) -> (state: AllocatorState, bytes: [UInt8]) {
        let fd = open(statePath, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return (AllocatorState(), []) }
            throw storageError("opening \(statePath)")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw storageError("reading \(statePath)")
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        do {
            if let state = try? AllocatorState(json: bytes) { return (state, bytes) }
            return (try JSONDecoder().decode(AllocatorState.self, from: Data(bytes)), bytes)
        } catch {
            throw NetworkError(
                .storage,
                "the IPAM state \(statePath) is unreadable (\(error)); move it aside to start over (addresses may then be handed out again)"
            )
        }
    }

    private func writeAtomically(_ bytes: [UInt8]) throws(NetworkError) {
        let temporary = "\(statePath).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw storageError("creating \(temporary)") }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                let error = storageError("writing \(temporary)")
                close(fd)
                unlink(temporary)
                throw error
            }
            written += count
        }
        guard !durable || fsync(fd) == 0 else {
            let error = storageError("flushing \(temporary)")
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        guard rename(temporary, statePath) == 0 else {
            let error = storageError("replacing \(statePath)")
            unlink(temporary)
            throw error
        }
        // Make the rename itself durable.
        guard durable else { return }
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)
            close(directoryFD)
        }
    }

    private func createDirectory() throws(NetworkError) {
        var path = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            path += "/" + component
            if mkdir(path, 0o700) != 0 && errno != EEXIST {
                throw storageError("creating directory \(path)")
            }
        }
    }

    private func storageError(_ what: String) -> NetworkError {
        let error = errno
        return NetworkError(.storage, "\(what) failed; check that the state directory is writable", errno: error)
    }
}
