import CArchive
import Glibc

/// What writing a layer produced.
struct LayerBlob: Equatable {
    /// `sha256:` of the uncompressed tar.
    var diffID: String
    /// `sha256:` of the blob (the gzip file, or the tar itself when uncompressed).
    var digest: String
    /// Size of the blob.
    var size: Int64
    /// Size of the uncompressed tar.
    var uncompressedSize: Int64
    /// Whether the blob is gzip (`layer.v1.tar+gzip`) or the plain tar (`layer.v1.tar`).
    var isCompressed = true

    var mediaType: String { isCompressed ? OCIMediaType.layerGzip : OCIMediaType.layerTar }
}

/// Writes a directory as a reproducible layer tar, gzip by default: entries sorted bytewise,
/// pax format, no gzip timestamp, hardlinks kept, overlayfs whiteouts turned back into OCI
/// `.wh.` entries.
///
/// The tar stream is hashed (diff id) on its way into a parallel gzip compressor, whose
/// output is hashed again (blob digest) on its way to the file; uncompressed, the tar goes
/// straight to the file and its digest is the diff id.
final class LayerWriter {
    /// Choices that depend on where the tree comes from.
    struct Options {
        /// Entries newer than this (seconds since the epoch) get this mtime: `SOURCE_DATE_EPOCH`.
        var clampModificationTime: Int?
        /// Leave out device nodes other than whiteouts (a root filesystem's `/dev`; the runtime
        /// mounts its own).
        var skipDevices = false
        /// Gzip the tar (`layer.v1.tar+gzip`); false writes the plain tar (`layer.v1.tar`).
        var compress = true
        /// fsync the blob; false when the caller syncs its whole file system afterwards.
        var sync = true

        init(
            clampModificationTime: Int? = Timestamp.sourceDateEpoch, skipDevices: Bool = false, compress: Bool = true
        ) {
            self.clampModificationTime = clampModificationTime
            self.skipDevices = skipDevices
            self.compress = compress
        }
    }

    private let options: Options
    private let sourcePath: String
    private let outputPath: String
    private let outputFD: Int32
    private let tarDigest = StreamingDigest()
    private let gzipDigest = StreamingDigest()
    private var tar: OpaquePointer?
    private var gzip: ParallelGzip?
    private var failure: ImageError?
    /// Entries come from a caller busy unpacking them (`init(streamingTo:)`), not from a walk.
    private var streaming = false
    private var hardlinks: [HardlinkKey: [CChar]] = [:]
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)

    private struct HardlinkKey: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    init(source: String, output: String, options: Options = Options()) throws(ImageError) {
        self.options = options
        sourcePath = source
        outputPath = output
        outputFD = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard outputFD >= 0 else { throw ImageError(.io, "cannot create \(output): \(Errno.text(errno))") }
    }

    deinit {
        if let tar { archive_write_free(tar) }
        close(outputFD)
        buffer.deallocate()
    }

    func write() throws(ImageError) -> LayerBlob {
        let rootFD = open(sourcePath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard rootFD >= 0 else {
            throw ImageError(
                errno == ENOENT ? .notFound : .io, "cannot open directory \(sourcePath): \(Errno.text(errno))")
        }
        defer { close(rootFD) }
        try openArchives()
        try walk(directoryFD: rootFD, relative: [])
        return try finish()
    }

    // MARK: - Entry by entry

    /// A layer written from entries the caller hands over (`append`), not from a directory walk:
    /// the tar of an import is made from the input's entries as they are unpacked.
    init(streamingTo output: String, options: Options) throws(ImageError) {
        self.options = options
        sourcePath = output
        outputPath = output
        outputFD = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard outputFD >= 0 else { throw ImageError(.io, "cannot create \(output): \(Errno.text(errno))") }
        streaming = true
        try openArchives()
    }

    /// Writes the header of `entry` (named `display` in errors); a regular file's data follows
    /// through `append(data:)`, short data being padded with zeros up to the header's size.
    func append(header entry: OpaquePointer, display: String) throws(ImageError) {
        try check(archive_write_header(tar, entry), tar, "write the header of \(display)")
    }

    func append(data: UnsafeRawBufferPointer, display: String) throws(ImageError) {
        guard data.count > 0 else { return }
        guard archive_write_data(tar, data.baseAddress, data.count) == data.count else {
            if let failure { throw failure }
            throw ImageError(.io, "cannot archive \(display): \(LayerExtractor.errorText(tar!))")
        }
    }

    /// `count` zero bytes of the current file: the holes of a sparse input file.
    func appendZeros(_ count: Int64, display: String) throws(ImageError) {
        let zeros = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { zeros.deallocate() }
        zeros.initializeMemory(as: UInt8.self, repeating: 0)
        var remaining = count
        while remaining > 0 {
            let take = Int(min(remaining, Int64(zeros.count)))
            try append(data: UnsafeRawBufferPointer(rebasing: zeros[0..<take]), display: display)
            remaining -= Int64(take)
        }
    }

    var clampModificationTime: Int? { options.clampModificationTime }

    /// Ends the tar stream, waits for the compressor and returns the blob's digests and sizes.
    func finish() throws(ImageError) -> LayerBlob {
        try check(archive_write_close(tar), tar, "finish the tar stream")
        if let failure { throw failure }
        try gzip?.finish()
        guard !options.sync || fsync(outputFD) == 0 else {
            throw ImageError(.io, "cannot fsync \(outputPath): \(Errno.text(errno))")
        }
        let uncompressed = tarDigest.byteCount
        let diffID = tarDigest.finish()
        guard gzip != nil else {
            return LayerBlob(
                diffID: diffID, digest: diffID, size: uncompressed, uncompressedSize: uncompressed, isCompressed: false)
        }
        let size = gzipDigest.byteCount
        return LayerBlob(diffID: diffID, digest: gzipDigest.finish(), size: size, uncompressedSize: uncompressed)
    }

    // MARK: - libarchive plumbing

    private func openArchives() throws(ImageError) {
        guard let tar = archive_write_new() else { throw ImageError(.io, "libarchive: out of memory") }
        self.tar = tar
        if options.compress {
            gzip = ParallelGzip(deepBacklog: streaming) { [unowned self] (bytes) throws(ImageError) in
                try self.emitCompressed(bytes)
            }
        }
        let context = Unmanaged.passUnretained(self).toOpaque()

        archive_write_set_format_pax_restricted(tar)
        archive_write_set_bytes_in_last_block(tar, 1)
        try check(
            archive_write_open2(
                tar, context, nil,
                { _, context, bytes, count in
                    let writer = Unmanaged<LayerWriter>.fromOpaque(context!).takeUnretainedValue()
                    return writer.emitTar(UnsafeRawBufferPointer(start: bytes, count: count))
                }, nil, nil), tar, "start the tar stream")
    }

    private func emitTar(_ bytes: UnsafeRawBufferPointer) -> Int {
        tarDigest.update(bytes)
        guard bytes.count > 0 else { return 0 }
        do {
            if let gzip {
                try gzip.write(bytes)
            } else {
                try FileSystem.writeAll(outputFD, bytes, path: outputPath)
            }
        } catch {
            failure = failure ?? error
            return -1
        }
        return bytes.count
    }

    private func emitCompressed(_ bytes: UnsafeRawBufferPointer) throws(ImageError) {
        gzipDigest.update(bytes)
        try FileSystem.writeAll(outputFD, bytes, path: outputPath)
    }

    private func check(_ status: Int32, _ archive: OpaquePointer?, _ what: String) throws(ImageError) {
        guard status == ARCHIVE_OK || status == ARCHIVE_WARN else {
            if let failure { throw failure }
            throw ImageError(
                .io, "cannot \(what) for \(outputPath): \(archive.map(LayerExtractor.errorText) ?? "libarchive error")")
        }
    }

    // MARK: - Tree walk

    private func walk(directoryFD: Int32, relative: [CChar]) throws(ImageError) {
        let display = relative.isEmpty ? sourcePath : sourcePath + "/" + String(nulTerminated: relative)
        for name in try FileSystem.rawEntries(ofDirectory: directoryFD, displayPath: display) {
            let nameBytes = Array(name.dropLast())
            let path = relative.isEmpty ? nameBytes : relative + [47] + nameBytes
            var info = stat()
            guard fstatat(directoryFD, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
                throw ImageError(.io, "cannot stat \(sourcePath)/\(String(nulTerminated: path)): \(Errno.text(errno))")
            }
            try writeEntry(directoryFD: directoryFD, name: name, path: path, info: info)
            if (info.st_mode & S_IFMT) == S_IFDIR {
                let childFD = openat(directoryFD, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                guard childFD >= 0 else {
                    throw ImageError(
                        .io, "cannot open \(sourcePath)/\(String(nulTerminated: path)): \(Errno.text(errno))")
                }
                defer { close(childFD) }
                try walk(directoryFD: childFD, relative: path)
            }
        }
    }

    private func writeEntry(directoryFD: Int32, name: [CChar], path: [CChar], info: stat) throws(ImageError) {
        let type = info.st_mode & S_IFMT
        if type == S_IFSOCK { return }
        if options.skipDevices && (type == S_IFBLK || (type == S_IFCHR && info.st_rdev != 0)) { return }
        let display = String(nulTerminated: path)
        guard let entry = archive_entry_new() else { throw ImageError(.io, "libarchive: out of memory") }
        defer { archive_entry_free(entry) }
        archive_entry_set_uid(entry, Int64(info.st_uid))
        archive_entry_set_gid(entry, Int64(info.st_gid))
        var modified = info.st_mtim
        if let limit = options.clampModificationTime, modified.tv_sec >= limit {
            modified = timespec(tv_sec: limit, tv_nsec: 0)
        }
        archive_entry_set_mtime(entry, modified.tv_sec, modified.tv_nsec)

        if type == S_IFCHR && info.st_rdev == 0 {
            // An overlayfs whiteout becomes the OCI `.wh.NAME` marker.
            let whiteout = Self.sibling(of: path, named: Array(".wh.".utf8CString.dropLast()) + Array(name.dropLast()))
            archive_entry_copy_pathname(entry, whiteout + [0])
            archive_entry_set_mode(entry, Glibc.S_IFREG)
            archive_entry_set_size(entry, 0)
            try check(archive_write_header(tar, entry), tar, "write the whiteout \(display)")
            return
        }

        archive_entry_copy_pathname(entry, path + [0])
        archive_entry_set_mode(entry, info.st_mode)
        archive_entry_set_size(entry, 0)
        var opaque = false
        switch type {
        case S_IFLNK:
            var target = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let length = readlinkat(directoryFD, name, &target, target.count - 1)
            guard length >= 0 else {
                throw ImageError(.io, "cannot read link \(sourcePath)/\(display): \(Errno.text(errno))")
            }
            target[length] = 0
            archive_entry_copy_symlink(entry, target)
        case S_IFCHR, S_IFBLK:
            archive_entry_set_rdev(entry, info.st_rdev)
        case S_IFREG, S_IFDIR:
            opaque = try copyExtendedAttributes(path: path, into: entry)
        default:
            break
        }
        if type == S_IFREG {
            let key = HardlinkKey(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
            if info.st_nlink > 1, let first = hardlinks[key] {
                archive_entry_copy_hardlink(entry, first + [0])
                try check(archive_write_header(tar, entry), tar, "write the hardlink \(display)")
                return
            }
            if info.st_nlink > 1 { hardlinks[key] = path }
            archive_entry_set_size(entry, Int64(info.st_size))
        }
        try check(archive_write_header(tar, entry), tar, "write the header of \(display)")
        if type == S_IFREG {
            try copyContents(directoryFD: directoryFD, name: name, display: display, size: Int64(info.st_size))
        }
        if opaque {
            // The directory hides lower layers' contents: OCI says so with `.wh..wh..opq` inside it.
            guard let marker = archive_entry_new() else { throw ImageError(.io, "libarchive: out of memory") }
            defer { archive_entry_free(marker) }
            archive_entry_copy_pathname(marker, path + [47] + Array(".wh..wh..opq".utf8CString))
            archive_entry_set_mode(marker, Glibc.S_IFREG)
            archive_entry_set_size(marker, 0)
            archive_entry_set_uid(marker, Int64(info.st_uid))
            archive_entry_set_gid(marker, Int64(info.st_gid))
            archive_entry_set_mtime(marker, modified.tv_sec, modified.tv_nsec)
            try check(archive_write_header(tar, marker), tar, "write the opaque marker of \(display)")
        }
    }

    private static func sibling(of path: [CChar], named name: [CChar]) -> [CChar] {
        guard let slash = path.lastIndex(of: 47) else { return name }
        return Array(path[...slash]) + name
    }

    private func copyContents(directoryFD: Int32, name: [CChar], display: String, size: Int64) throws(ImageError) {
        let fd = openat(directoryFD, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw ImageError(.io, "cannot open \(sourcePath)/\(display): \(Errno.text(errno))") }
        defer { close(fd) }
        var remaining = size
        while remaining > 0 {
            let count = read(fd, buffer.baseAddress, min(buffer.count, Int(remaining)))
            if count < 0 {
                if errno == EINTR { continue }
                throw ImageError(.io, "cannot read \(sourcePath)/\(display): \(Errno.text(errno))")
            }
            if count == 0 {
                throw ImageError(.io, "\(sourcePath)/\(display) shrank while it was archived")
            }
            guard archive_write_data(tar, buffer.baseAddress, count) == count else {
                if let failure { throw failure }
                throw ImageError(.io, "cannot archive \(display): \(LayerExtractor.errorText(tar!))")
            }
            remaining -= Int64(count)
        }
    }

    /// Copies extended attributes (sorted, overlay's own left out) and says whether the entry
    /// is an opaque overlay directory.
    private func copyExtendedAttributes(path: [CChar], into entry: OpaquePointer) throws(ImageError) -> Bool {
        let full = Array(sourcePath.utf8CString.dropLast()) + [47] + path + [0]
        let listSize = llistxattr(full, nil as UnsafeMutablePointer<CChar>?, 0)
        guard listSize > 0 else { return false }
        var list = [CChar](repeating: 0, count: listSize)
        let listed = llistxattr(full, &list, listSize)
        guard listed > 0 else { return false }
        let names = list[0..<listed].split(separator: 0).map {
            String(decoding: $0.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }.sorted()
        var opaque = false
        for name in names {
            let valueSize = lgetxattr(full, name, nil as UnsafeMutableRawPointer?, 0)
            guard valueSize >= 0 else { continue }
            var value = [UInt8](repeating: 0, count: max(valueSize, 1))
            let read = lgetxattr(full, name, &value, valueSize)
            guard read >= 0 else { continue }
            if name == "trusted.overlay.opaque" || name == "user.overlay.opaque" {
                opaque = opaque || (read == 1 && value[0] == UInt8(ascii: "y"))
                continue
            }
            if name.hasPrefix("trusted.overlay.") || name.hasPrefix("user.overlay.") { continue }
            archive_entry_xattr_add_entry(entry, name, value, read)
        }
        return opaque
    }
}
