import CArchive
import Glibc

/// Digests of a layer file as it is stored (compressed or not) and as a tar (its diff id).
enum LayerDigest {
    /// How a layer blob is compressed, from its first bytes.
    enum Compression {
        case none, gzip, zstd

        var mediaType: String {
            switch self {
            case .none: OCIMediaType.layerTar
            case .gzip: OCIMediaType.layerGzip
            case .zstd: OCIMediaType.layerZstd
            }
        }
    }

    static func compression(of path: String) throws(ImageError) -> Compression {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ImageError(.io, "cannot open \(path): \(Errno.text(errno))") }
        defer { close(fd) }
        var magic = [UInt8](repeating: 0, count: 4)
        let count = read(fd, &magic, 4)
        if count >= 2 && magic[0] == 0x1f && magic[1] == 0x8b { return .gzip }
        if count == 4 && magic == [0x28, 0xb5, 0x2f, 0xfd] { return .zstd }
        return .none
    }

    /// `sha256:` and size of the decompressed stream, refusing more than `limit` bytes (a
    /// decompression bomb), and optionally copying the stream to `copyTo`.
    static func uncompressed(
        _ path: String, display: String, limit: Int64,
        copyTo: String? = nil
    ) throws(ImageError) -> (diffID: String, size: Int64) {
        guard let archive = archive_read_new() else { throw ImageError(.io, "libarchive: out of memory") }
        defer { archive_read_free(archive) }
        archive_read_support_filter_all(archive)
        archive_read_support_format_raw(archive)
        guard archive_read_open_filename(archive, path, 1 << 16) == ARCHIVE_OK else {
            throw ImageError(.corrupt, "cannot read layer \(display): \(LayerExtractor.errorText(archive))")
        }
        var entry: OpaquePointer?
        let digest = StreamingDigest()
        let status = archive_read_next_header(archive, &entry)
        if status == ARCHIVE_EOF { return (digest.finish(), 0) }
        guard status == ARCHIVE_OK else {
            throw ImageError(.corrupt, "cannot read layer \(display): \(LayerExtractor.errorText(archive))")
        }
        var outputFD: Int32 = -1
        if let copyTo {
            outputFD = open(copyTo, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard outputFD >= 0 else { throw ImageError(.io, "cannot create \(copyTo): \(Errno.text(errno))") }
        }
        defer { if outputFD >= 0 { close(outputFD) } }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = archive_read_data(archive, buffer.baseAddress, buffer.count)
            guard count >= 0 else {
                throw ImageError(.corrupt, "cannot decompress layer \(display): \(LayerExtractor.errorText(archive))")
            }
            if count == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
            digest.update(chunk)
            guard digest.byteCount <= limit else {
                throw ImageError(
                    .unsafeArchive,
                    "refusing layer \(display): it decompresses to more than \(limit) bytes (a decompression bomb, or raise the store's extraction limits)"
                )
            }
            if outputFD >= 0 { try FileSystem.writeAll(outputFD, chunk, path: copyTo!) }
        }
        let size = digest.byteCount
        return (digest.finish(), size)
    }
}
