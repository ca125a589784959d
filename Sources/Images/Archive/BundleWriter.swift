import CArchive
import Glibc

/// Writes an image archive (`image save`): a plain tar of directories, small documents and
/// blob files, with fixed owners, modes and times so equal images give equal archives.
final class BundleWriter {
    private let archive: OpaquePointer
    private let path: String
    private var directories = Set<String>()
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)

    /// Writes to the file at `path`, or to `descriptor` (not closed) when given.
    init(path: String, descriptor: Int32? = nil) throws(ImageError) {
        guard let archive = archive_write_new() else { throw ImageError(.io, "libarchive: out of memory") }
        self.archive = archive
        self.path = path
        archive_write_set_format_pax_restricted(archive)
        archive_write_set_bytes_in_last_block(archive, 1)
        let status = descriptor.map { archive_write_open_fd(archive, $0) } ?? archive_write_open_filename(archive, path)
        guard status == ARCHIVE_OK else {
            let reason = LayerExtractor.errorText(archive)
            archive_write_free(archive)
            buffer.deallocate()
            throw ImageError(.io, "cannot write \(path): \(reason)")
        }
    }

    deinit {
        archive_write_free(archive)
        buffer.deallocate()
    }

    /// Adds `name`'s parent directories (once each), then a file with `bytes`.
    func add(_ name: String, bytes: [UInt8]) throws(ImageError) {
        try header(name, size: Int64(bytes.count))
        guard bytes.isEmpty || archive_write_data(archive, bytes, bytes.count) == bytes.count else {
            throw ImageError(.io, "cannot write \(name) into \(path): \(LayerExtractor.errorText(archive))")
        }
    }

    /// Adds a file with the contents of `source`, which must keep its size while it is copied.
    func add(_ name: String, contentsOf source: String) throws(ImageError) {
        let fd = open(source, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ImageError(.io, "cannot open \(source): \(Errno.text(errno))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ImageError(.io, "cannot stat \(source): \(Errno.text(errno))") }
        try header(name, size: Int64(info.st_size))
        var remaining = Int64(info.st_size)
        while remaining > 0 {
            let count = read(fd, buffer.baseAddress, min(buffer.count, Int(remaining)))
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                throw ImageError(.io, "cannot read \(source): \(count == 0 ? "it shrank" : Errno.text(errno))")
            }
            guard archive_write_data(archive, buffer.baseAddress, count) == count else {
                throw ImageError(.io, "cannot write \(name) into \(path): \(LayerExtractor.errorText(archive))")
            }
            remaining -= Int64(count)
        }
    }

    func finish() throws(ImageError) {
        guard archive_write_close(archive) == ARCHIVE_OK else {
            throw ImageError(.io, "cannot finish \(path): \(LayerExtractor.errorText(archive))")
        }
    }

    private func header(_ name: String, size: Int64) throws(ImageError) {
        var parent = ""
        for component in name.split(separator: "/").dropLast() {
            parent += component + "/"
            if directories.insert(parent).inserted { try entry(parent, type: S_IFDIR, mode: 0o755, size: 0) }
        }
        try entry(name, type: S_IFREG, mode: 0o644, size: size)
    }

    private func entry(_ name: String, type: mode_t, mode: mode_t, size: Int64) throws(ImageError) {
        guard let entry = archive_entry_new() else { throw ImageError(.io, "libarchive: out of memory") }
        defer { archive_entry_free(entry) }
        archive_entry_copy_pathname(entry, name)
        archive_entry_set_mode(entry, type | mode)
        archive_entry_set_size(entry, size)
        archive_entry_set_mtime(entry, 0, 0)
        archive_entry_set_uid(entry, 0)
        archive_entry_set_gid(entry, 0)
        guard archive_write_header(archive, entry) == ARCHIVE_OK else {
            throw ImageError(.io, "cannot write \(name) into \(path): \(LayerExtractor.errorText(archive))")
        }
    }
}
