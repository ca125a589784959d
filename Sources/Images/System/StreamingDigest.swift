import Digest
import Glibc

/// A SHA-256 that can live in a class (the `Digest` hasher is non-copyable and consumed when finalised).
final class StreamingDigest {
    private var hasher: SHA256? = SHA256()
    private(set) var byteCount: Int64 = 0

    func update(_ bytes: UnsafeRawBufferPointer) {
        hasher!.update(bytes)
        byteCount += Int64(bytes.count)
    }

    /// `sha256:<hex>`. Call once.
    func finish() -> String {
        guard let hasher = hasher.take() else { preconditionFailure("StreamingDigest finished twice") }
        return "sha256:" + SHA256.hexString(hasher.finalize())
    }

    /// The digest and size of a file's contents.
    static func ofFile(_ path: String) throws(ImageError) -> (digest: String, size: Int64) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ImageError(errno == ENOENT ? .notFound : .io, "cannot open \(path): \(Errno.text(errno))")
        }
        defer { close(fd) }
        let digest = StreamingDigest()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(fd, buffer.baseAddress, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw ImageError(.io, "cannot read \(path): \(Errno.text(errno))")
            }
            if count == 0 { break }
            digest.update(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
        let size = digest.byteCount
        return (digest.finish(), size)
    }
}
