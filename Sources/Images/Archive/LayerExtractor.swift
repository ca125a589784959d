import CArchive
import Glibc

/// Unpacks one tar (gzip or plain, detected) into a layer directory, entry by entry, never
/// writing outside it.
///
/// Every parent directory is opened with `openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)` from
/// the layer root, so `..` and symbolic links (absolute or relative) that would leave the layer
/// are refused by the kernel rather than by string checks; the entry itself is then created with
/// an `*at` call on that directory and `O_NOFOLLOW`/`AT_SYMLINK_NOFOLLOW`, so it never follows
/// a link either. OCI whiteouts become overlayfs whiteouts.
final class LayerExtractor {
    private let rootFD: Int32
    private let rootPath: String
    private let limits: ExtractionLimits
    private var entryCount = 0
    private var contentBytes: Int64 = 0
    /// When set, every entry unpacked is also written, cleaned, to this layer (`image import`).
    private let layerCopy: LayerWriter?
    /// Directory mtimes are set last: creating children changes them.
    private var directoryTimes: [(path: ArchivePath, time: timespec)] = []

    /// `UTIME_OMIT` (a macro Swift cannot import): leave the access time alone.
    static let keepAccessTime = timespec(tv_sec: 0, tv_nsec: (1 << 30) - 2)
    private static let whiteoutPrefix: [UInt8] = Array(".wh.".utf8)
    private static let opaqueWhiteout: [UInt8] = Array(".wh..wh..opq".utf8)

    /// `layerCopy` receives each entry as unpacked: its name made relative, hardlink targets
    /// too, whiteout devices as `.wh.` markers, the mtime clamped to `clampModificationTime`,
    /// and what tar keeps but a layer does not (user and group names, atime, ctime, ACLs,
    /// file flags, sparse maps) dropped. Entries left out of the tree are left out of it too.
    init(rootPath: String, limits: ExtractionLimits, layerCopy: LayerWriter? = nil) throws(ImageError) {
        let fd = open(rootPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ImageError(
                errno == ENOENT ? .notFound : .io, "cannot open layer directory \(rootPath): \(Errno.text(errno))")
        }
        self.rootFD = fd
        self.rootPath = rootPath
        self.limits = limits
        self.layerCopy = layerCopy
    }

    deinit { close(rootFD) }

    /// Reads `tarball` and writes its entries below the root.
    /// `sync` false leaves the final `syncfs` to the caller (who syncs more than this layer at once).
    func extract(tarball: String, sync: Bool = true) throws(ImageError) {
        guard let archive = archive_read_new() else { throw ImageError(.io, "libarchive: out of memory") }
        defer { archive_read_free(archive) }
        archive_read_support_filter_all(archive)
        archive_read_support_format_tar(archive)
        archive_read_support_format_empty(archive)
        guard archive_read_open_filename(archive, tarball, 1 << 16) == ARCHIVE_OK else {
            let reason = Self.errorText(archive)
            throw ImageError(
                FileSystem.exists(tarball) ? .corrupt : .notFound, "cannot read archive \(tarball): \(reason)")
        }
        var entry: OpaquePointer?
        while true {
            let status = archive_read_next_header(archive, &entry)
            if status == ARCHIVE_EOF { break }
            guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else {
                throw ImageError(.corrupt, "cannot read archive \(tarball): \(Self.errorText(archive))")
            }
            entryCount += 1
            let name = archive_entry_pathname(entry).map { String(cString: $0) } ?? "?"
            guard entryCount <= limits.maxEntries else {
                throw ImageError(
                    .unsafeArchive,
                    "refusing archive \(tarball) at entry '\(name)': more than \(limits.maxEntries) entries")
            }
            try extractEntry(entry, name: name, archive: archive, tarball: tarball)
        }
        try applyDirectoryTimes()
        // One syncfs instead of an fsync per file: the caller renames the finished layer into place next.
        if sync { syncfs(rootFD) }
    }

    static func errorText(_ archive: OpaquePointer) -> String {
        archive_error_string(archive).map { String(cString: $0) } ?? "unknown libarchive error"
    }

    // MARK: - Entries

    private func extractEntry(_ entry: OpaquePointer, name: String, archive: OpaquePointer, tarball: String)
        throws(ImageError)
    {
        guard let rawName = archive_entry_pathname(entry) else {
            throw ImageError(.corrupt, "archive \(tarball) has an entry without a name")
        }
        let path = try ArchivePath(raw: rawName, entry: name)
        let fileType = archive_entry_filetype(entry) & S_IFMT
        let hardlinkTarget = archive_entry_hardlink(entry)

        if path.isRoot {
            // `./` describes the layer root itself: keep its owner, mode and time.
            if fileType == S_IFDIR { try applyDirectoryMetadata(fd: rootFD, path: path, entry: entry, name: name) }
            return
        }
        if hardlinkTarget == nil && fileType != S_IFREG && fileType != S_IFDIR && fileType != S_IFLNK
            && fileType != S_IFIFO
        {
            if fileType == S_IFSOCK { return }
            if fileType == S_IFCHR && archive_entry_rdevmajor(entry) == 0 && archive_entry_rdevminor(entry) == 0 {
                // Already an overlay whiteout: fine.
            } else if limits.deviceNodes == .skip {
                return
            } else {
                let kind =
                    fileType == S_IFBLK ? "block device" : fileType == S_IFCHR ? "character device" : "special file"
                throw ImageError(
                    .unsafeArchive,
                    "refusing archive entry '\(name)': a \(kind) (\(archive_entry_rdevmajor(entry)),\(archive_entry_rdevminor(entry))); layers may hold only files, directories, links, fifos and whiteouts"
                )
            }
        }

        let parentFD = try openDirectory(path.parent, entryName: name, create: true)
        defer { close(parentFD) }
        let base = path.base

        if base == Self.opaqueWhiteout {
            // The parent hides everything below it in lower layers.
            guard fsetxattr(parentFD, "trusted.overlay.opaque", "y", 1, 0) == 0 else {
                throw ImageError(
                    .io, "archive entry '\(name)': cannot mark \(path.parent.display) opaque: \(Errno.text(errno))")
            }
            try copyToLayer(entry, path: path, entryName: name)
            return
        }
        if base.starts(with: Self.whiteoutPrefix) {
            let hidden = Array(base.dropFirst(Self.whiteoutPrefix.count))
            guard !hidden.isEmpty, hidden != Array(".".utf8), hidden != Array("..".utf8) else {
                throw ImageError(.unsafeArchive, "refusing archive entry '\(name)': a whiteout without a valid name")
            }
            try makeWhiteout(parentFD: parentFD, name: hidden.cName, entry: entry, entryName: name)
            try copyToLayer(entry, path: path, entryName: name)
            return
        }

        let cBase = base.cName
        if let hardlinkTarget {
            try makeHardlink(parentFD: parentFD, name: cBase, path: path, target: hardlinkTarget, entryName: name)
            try copyToLayer(entry, path: path, entryName: name)
            return
        }
        switch fileType {
        case S_IFDIR:
            try makeDirectory(parentFD: parentFD, name: cBase, path: path, entry: entry, entryName: name)
        case S_IFREG:
            try makeRegularFile(
                parentFD: parentFD, name: cBase, path: path, entry: entry, entryName: name, archive: archive)
            return
        case S_IFLNK:
            try makeSymlink(parentFD: parentFD, name: cBase, entry: entry, entryName: name)
        default:
            try makeNode(parentFD: parentFD, name: cBase, type: fileType, entry: entry, entryName: name)
        }
        try copyToLayer(entry, path: path, entryName: name)
    }

    /// Opens the directory `path` below the root, creating missing components (mode 0755, owned by
    /// root, mtime 0 so the layer stays reproducible) when `create` is set.
    private func openDirectory(_ path: ArchivePath, entryName: String, create: Bool) throws(ImageError) -> Int32 {
        if path.isRoot { return dup(rootFD) }
        switch ContainedOpen.open(path.cString, below: rootFD, flags: O_RDONLY | O_DIRECTORY) {
        case .opened(let fd): return fd
        case .failed(let code) where code == ENOENT && create: break
        case .failed(let code): throw containmentError(code, path: path, entryName: entryName)
        }
        var parentFD = dup(rootFD)
        for depth in 1...path.components.count {
            let prefix = ArchivePath(components: Array(path.components.prefix(depth)))
            var result = ContainedOpen.open(prefix.cString, below: rootFD, flags: O_RDONLY | O_DIRECTORY)
            if case .failed(let code) = result, code == ENOENT {
                if mkdirat(parentFD, prefix.base.cName, 0o755) != 0 && errno != EEXIST {
                    let code = errno
                    close(parentFD)
                    throw ImageError(
                        .io,
                        "archive entry '\(entryName)': cannot create directory \(prefix.display): \(Errno.text(code))")
                }
                // mkdir obeyed the umask.
                fchmodat(parentFD, prefix.base.cName, 0o755, 0)
                directoryTimes.append((prefix, timespec(tv_sec: 0, tv_nsec: 0)))
                result = ContainedOpen.open(prefix.cString, below: rootFD, flags: O_RDONLY | O_DIRECTORY)
            }
            close(parentFD)
            switch result {
            case .opened(let fd): parentFD = fd
            case .failed(let code): throw containmentError(code, path: prefix, entryName: entryName)
            }
        }
        return parentFD
    }

    private func containmentError(_ code: Int32, path: ArchivePath, entryName: String) -> ImageError {
        switch code {
        case EXDEV:
            return ImageError(
                .unsafeArchive,
                "refusing archive entry '\(entryName)': its path \(path.display) goes through a symbolic link that leads out of the layer"
            )
        case ELOOP:
            return ImageError(
                .unsafeArchive,
                "refusing archive entry '\(entryName)': its path \(path.display) goes through a symbolic link loop")
        case ENOTDIR:
            return ImageError(
                .unsafeArchive, "refusing archive entry '\(entryName)': \(path.display) is not a directory")
        case ENOENT:
            return ImageError(.notFound, "archive entry '\(entryName)': \(path.display) does not exist in the layer")
        default:
            return ImageError(
                .io, "archive entry '\(entryName)': cannot open \(path.display) in \(rootPath): \(Errno.text(code))")
        }
    }

    /// Removes whatever a previous entry left at `name`, so a later entry replaces it as tar does.
    /// A directory stays when a directory replaces it (tar merges them).
    private func clearExisting(parentFD: Int32, name: [CChar], keepDirectory: Bool, entryName: String)
        throws(ImageError)
    {
        var info = stat()
        guard fstatat(parentFD, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return }
        if keepDirectory && (info.st_mode & S_IFMT) == S_IFDIR { return }
        try FileSystem.removeTree(in: parentFD, name: name, displayPath: entryName)
    }

    // MARK: - Entry kinds

    private func makeDirectory(
        parentFD: Int32, name: [CChar], path: ArchivePath, entry: OpaquePointer, entryName: String
    ) throws(ImageError) {
        try clearExisting(parentFD: parentFD, name: name, keepDirectory: true, entryName: entryName)
        if mkdirat(parentFD, name, 0o700) != 0 && errno != EEXIST {
            throw ImageError(.io, "archive entry '\(entryName)': cannot create directory: \(Errno.text(errno))")
        }
        let fd = openat(parentFD, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            throw ImageError(.io, "archive entry '\(entryName)': cannot open directory: \(Errno.text(errno))")
        }
        defer { close(fd) }
        try applyDirectoryMetadata(fd: fd, path: path, entry: entry, name: entryName)
    }

    private func applyDirectoryMetadata(fd: Int32, path: ArchivePath, entry: OpaquePointer, name: String)
        throws(ImageError)
    {
        try applyMetadata(fd: fd, entry: entry, entryName: name)
        directoryTimes.append((path, Self.modificationTime(entry)))
    }

    private func makeRegularFile(
        parentFD: Int32, name: [CChar], path: ArchivePath, entry: OpaquePointer, entryName: String,
        archive: OpaquePointer
    ) throws(ImageError) {
        let declared = archive_entry_size_is_set(entry) != 0 ? archive_entry_size(entry) : 0
        guard contentBytes + declared <= limits.maxUncompressedBytes else {
            throw ImageError(
                .unsafeArchive,
                "refusing archive entry '\(entryName)': its \(declared) bytes exceed the limit of \(limits.maxUncompressedBytes) uncompressed bytes for the layer"
            )
        }
        try clearExisting(parentFD: parentFD, name: name, keepDirectory: false, entryName: entryName)
        let fd = openat(parentFD, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ImageError(.io, "archive entry '\(entryName)': cannot create file: \(Errno.text(errno))")
        }
        defer { close(fd) }
        try copyToLayer(entry, path: path, entryName: entryName)
        var copied: Int64 = 0
        var buffer: UnsafeRawPointer?
        var size = 0
        var offset: Int64 = 0
        while true {
            let status = archive_read_data_block(archive, &buffer, &size, &offset)
            if status == ARCHIVE_EOF { break }
            guard status == ARCHIVE_OK || status == ARCHIVE_WARN else {
                throw ImageError(
                    .corrupt, "archive entry '\(entryName)': cannot read its data: \(Self.errorText(archive))")
            }
            contentBytes += Int64(size)
            guard contentBytes <= limits.maxUncompressedBytes else {
                throw ImageError(
                    .unsafeArchive,
                    "refusing archive entry '\(entryName)': the layer exceeds the limit of \(limits.maxUncompressedBytes) uncompressed bytes"
                )
            }
            var written = 0
            while written < size, let buffer {
                let count = pwrite(fd, buffer + written, size - written, off_t(offset) + off_t(written))
                if count < 0 {
                    if errno == EINTR { continue }
                    throw ImageError(.io, "archive entry '\(entryName)': cannot write: \(Errno.text(errno))")
                }
                written += count
            }
            if let layerCopy, let buffer {
                // A sparse file's holes are zeros in the copy.
                if offset > copied { try layerCopy.appendZeros(offset - copied, display: entryName) }
                try layerCopy.append(data: UnsafeRawBufferPointer(start: buffer, count: size), display: entryName)
                copied = max(copied, offset + Int64(size))
            }
        }
        // Sparse files may end in a hole that no data block covers.
        if declared > 0 && ftruncate(fd, off_t(declared)) != 0 {
            throw ImageError(.io, "archive entry '\(entryName)': cannot set its size: \(Errno.text(errno))")
        }
        try applyMetadata(fd: fd, entry: entry, entryName: entryName)
        var times = [Self.keepAccessTime, Self.modificationTime(entry)]
        futimens(fd, &times)
    }

    private func makeSymlink(parentFD: Int32, name: [CChar], entry: OpaquePointer, entryName: String) throws(ImageError)
    {
        guard let target = archive_entry_symlink(entry), target.pointee != 0 else {
            throw ImageError(.corrupt, "archive entry '\(entryName)': a symbolic link without a target")
        }
        try clearExisting(parentFD: parentFD, name: name, keepDirectory: false, entryName: entryName)
        // The target is stored verbatim: it is interpreted inside the container, and extraction
        // never follows it (parents are opened RESOLVE_BENEATH, entries with NOFOLLOW).
        guard symlinkat(target, parentFD, name) == 0 else {
            throw ImageError(.io, "archive entry '\(entryName)': cannot create symbolic link: \(Errno.text(errno))")
        }
        fchownat(parentFD, name, archive_entry_uid(entry).asID, archive_entry_gid(entry).asID, AT_SYMLINK_NOFOLLOW)
        var times = [Self.keepAccessTime, Self.modificationTime(entry)]
        utimensat(parentFD, name, &times, AT_SYMLINK_NOFOLLOW)
    }

    private func makeHardlink(
        parentFD: Int32, name: [CChar], path: ArchivePath, target rawTarget: UnsafePointer<CChar>, entryName: String
    ) throws(ImageError) {
        let target = try ArchivePath(raw: rawTarget, entry: entryName, role: "hardlink target")
        guard !target.isRoot else {
            throw ImageError(.unsafeArchive, "refusing archive entry '\(entryName)': a hardlink to the layer root")
        }
        if target == path { return }
        let targetParentFD: Int32
        do {
            targetParentFD = try openDirectory(target.parent, entryName: entryName, create: false)
        } catch  where error.code == .notFound {
            throw ImageError(
                .unsafeArchive,
                "refusing archive entry '\(entryName)': its hardlink target \(target.display) is not in the layer (targets are names of earlier entries, taken relative to the layer root)"
            )
        }
        defer { close(targetParentFD) }
        var info = stat()
        guard fstatat(targetParentFD, target.base.cName, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
            throw ImageError(
                .unsafeArchive,
                "refusing archive entry '\(entryName)': its hardlink target \(target.display) is not in the layer")
        }
        guard (info.st_mode & S_IFMT) != S_IFDIR else {
            throw ImageError(
                .unsafeArchive,
                "refusing archive entry '\(entryName)': its hardlink target \(target.display) is a directory")
        }
        try clearExisting(parentFD: parentFD, name: name, keepDirectory: false, entryName: entryName)
        // Flags 0: link the target entry itself, never what a symbolic link there points to.
        guard linkat(targetParentFD, target.base.cName, parentFD, name, 0) == 0 else {
            throw ImageError(
                .io, "archive entry '\(entryName)': cannot link to \(target.display): \(Errno.text(errno))")
        }
    }

    /// A whiteout hides `name` of lower layers: overlayfs spells it as a character device 0/0.
    private func makeWhiteout(parentFD: Int32, name: [CChar], entry: OpaquePointer, entryName: String)
        throws(ImageError)
    {
        try clearExisting(parentFD: parentFD, name: name, keepDirectory: false, entryName: entryName)
        guard mknodat(parentFD, name, S_IFCHR, 0) == 0 else {
            throw ImageError(
                .io,
                "archive entry '\(entryName)': cannot create the whiteout device (mknod needs CAP_MKNOD): \(Errno.text(errno))"
            )
        }
        fchownat(parentFD, name, archive_entry_uid(entry).asID, archive_entry_gid(entry).asID, AT_SYMLINK_NOFOLLOW)
        var times = [Self.keepAccessTime, Self.modificationTime(entry)]
        utimensat(parentFD, name, &times, AT_SYMLINK_NOFOLLOW)
    }

    /// Fifos and whiteout devices (others were refused or skipped before).
    private func makeNode(parentFD: Int32, name: [CChar], type: mode_t, entry: OpaquePointer, entryName: String)
        throws(ImageError)
    {
        try clearExisting(parentFD: parentFD, name: name, keepDirectory: false, entryName: entryName)
        guard mknodat(parentFD, name, type | 0o600, 0) == 0 else {
            throw ImageError(.io, "archive entry '\(entryName)': cannot create node: \(Errno.text(errno))")
        }
        fchownat(parentFD, name, archive_entry_uid(entry).asID, archive_entry_gid(entry).asID, AT_SYMLINK_NOFOLLOW)
        // mknod obeyed the umask; the archive's mode is the truth. The node was just created by us
        // and is not a symbolic link, so following is harmless.
        fchmodat(parentFD, name, archive_entry_perm(entry), 0)
        var times = [Self.keepAccessTime, Self.modificationTime(entry)]
        utimensat(parentFD, name, &times, AT_SYMLINK_NOFOLLOW)
    }

    // MARK: - Metadata

    /// Owner, then mode (chown clears set-id bits), then extended attributes (chown also clears
    /// `security.capability`).
    private func applyMetadata(fd: Int32, entry: OpaquePointer, entryName: String) throws(ImageError) {
        guard fchown(fd, archive_entry_uid(entry).asID, archive_entry_gid(entry).asID) == 0 else {
            throw ImageError(.io, "archive entry '\(entryName)': cannot set owner: \(Errno.text(errno))")
        }
        guard fchmod(fd, archive_entry_perm(entry)) == 0 else {
            throw ImageError(.io, "archive entry '\(entryName)': cannot set mode: \(Errno.text(errno))")
        }
        archive_entry_xattr_reset(entry)
        var namePointer: UnsafePointer<CChar>?
        var value: UnsafeRawPointer?
        var size = 0
        while archive_entry_xattr_next(entry, &namePointer, &value, &size) == ARCHIVE_OK {
            guard let namePointer else { continue }
            let name = String(cString: namePointer)
            // Overlay's own attributes (redirect, metacopy, opaque) could make overlayfs read other
            // layers' files; layers express those only as whiteout entries.
            if name.hasPrefix("trusted.overlay.") || name.hasPrefix("user.overlay.") { continue }
            guard fsetxattr(fd, namePointer, value, size, 0) == 0 else {
                throw ImageError(
                    .io, "archive entry '\(entryName)': cannot set extended attribute \(name): \(Errno.text(errno))")
            }
        }
    }

    /// Writes `entry`, cleaned, to the layer copy (see `init`); a regular file's data follows.
    private func copyToLayer(_ entry: OpaquePointer, path: ArchivePath, entryName: String) throws(ImageError) {
        guard let layerCopy else { return }
        guard let copy = archive_entry_clone(entry) else { throw ImageError(.io, "libarchive: out of memory") }
        defer { archive_entry_free(copy) }
        var name = path
        let type = archive_entry_filetype(entry) & S_IFMT
        if let rawTarget = archive_entry_hardlink(entry) {
            let target = try ArchivePath(raw: rawTarget, entry: entryName, role: "hardlink target")
            archive_entry_copy_hardlink(copy, target.cString)
            archive_entry_set_size(copy, 0)
        } else if type == S_IFCHR {
            // Only whiteout devices (0/0) get here: as `.wh.NAME`, the OCI form.
            name.components[name.components.count - 1] = Self.whiteoutPrefix + path.base
            archive_entry_set_filetype(copy, UInt32(Glibc.S_IFREG))
            archive_entry_set_rdev(copy, 0)
            archive_entry_set_size(copy, 0)
        } else if path.base.starts(with: Self.whiteoutPrefix) || type != S_IFREG {
            archive_entry_set_size(copy, 0)
        }
        archive_entry_copy_pathname(copy, name.cString)
        archive_entry_copy_uname(copy, nil)
        archive_entry_copy_gname(copy, nil)
        archive_entry_unset_atime(copy)
        archive_entry_unset_ctime(copy)
        archive_entry_unset_birthtime(copy)
        archive_entry_acl_clear(copy)
        archive_entry_set_fflags(copy, 0, 0)
        archive_entry_sparse_clear(copy)
        var modified = Self.modificationTime(entry)
        if let limit = layerCopy.clampModificationTime, modified.tv_sec >= limit {
            modified = timespec(tv_sec: limit, tv_nsec: 0)
        }
        archive_entry_set_mtime(copy, modified.tv_sec, modified.tv_nsec)
        try layerCopy.append(header: copy, display: entryName)
    }

    private static func modificationTime(_ entry: OpaquePointer) -> timespec {
        guard archive_entry_mtime_is_set(entry) != 0 else { return timespec(tv_sec: 0, tv_nsec: 0) }
        return timespec(tv_sec: archive_entry_mtime(entry), tv_nsec: archive_entry_mtime_nsec(entry))
    }

    private func applyDirectoryTimes() throws(ImageError) {
        for (path, time) in directoryTimes {
            let opened: ContainedOpen.Outcome =
                path.isRoot
                ? .opened(dup(rootFD))
                : ContainedOpen.open(path.cString, below: rootFD, flags: O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
            // A later entry may have replaced the directory; its own time was set then.
            guard case .opened(let fd) = opened else { continue }
            var times = [Self.keepAccessTime, time]
            futimens(fd, &times)
            close(fd)
        }
    }
}

extension Int64 {
    /// An archive's numeric uid/gid as the kernel's id type; out-of-range values become nobody.
    var asID: UInt32 { self >= 0 && self <= Int64(UInt32.max - 1) ? UInt32(self) : 65534 }
}
