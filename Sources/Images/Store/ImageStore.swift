import Glibc

/// A content-addressed image store in the OCI image layout, with unpacked layer snapshots.
///
/// Layout under `root` (normally `<stateRoot>/images`):
/// - `oci-layout`, `index.json` (one manifest descriptor per `name:tag`, in the
///   `org.opencontainers.image.ref.name` annotation), `blobs/sha256/<hex>`;
/// - `snapshots/<chain-id hex>/rootfs`: each layer unpacked on its own, shared between images,
///   the overlayfs lower directories of containers;
/// - `tmp/`: every write starts here and is renamed into place, so a crash never leaves a
///   half-visible image; leftovers of crashed runs are removed when the store is opened.
///
/// Several processes may share a store: index updates and garbage collection hold `lock`.
public struct ImageStore: Sendable {
    public let root: String
    let blobs: BlobStore
    let temporary: TemporaryArea
    let snapshotsDirectory: String
    let indexPath: String
    let lockPath: String
    /// Bounds for every layer and archive the store unpacks (imports, loads, snapshots).
    public var extractionLimits: ExtractionLimits = .default
    /// `SOURCE_DATE_EPOCH` for what the store creates: when set, new images and history steps are
    /// `created` then, and layer entries modified later are clamped to it, so equal inputs give
    /// equal digests. Read from the environment when the store is opened.
    public var sourceDateEpoch: Int? = Timestamp.sourceDateEpoch

    /// Opens (creating if needed) the store at `root` (made absolute), and removes leftovers of crashed writes.
    public init(root: String) throws(ImageError) {
        guard !root.isEmpty else { throw ImageError(.invalidArgument, "the image store root must not be empty") }
        // Absolute, because snapshot paths end up in overlayfs mount options.
        var root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        if !root.hasPrefix("/") {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            guard getcwd(&buffer, buffer.count) != nil else {
                throw ImageError(.io, "cannot resolve the relative store root \(root): \(Errno.text(errno))")
            }
            let cwd = String(nulTerminated: buffer)
            root = (cwd == "/" ? "" : cwd) + "/" + (root == "." ? "" : root)
            if root.count > 1 && root.hasSuffix("/") { root.removeLast() }
        }
        self.root = root
        temporary = TemporaryArea(path: root + "/tmp", lockPath: root + "/tmp.lock")
        blobs = BlobStore(directory: root + "/blobs/sha256", temporary: temporary)
        snapshotsDirectory = root + "/snapshots"
        indexPath = root + "/index.json"
        lockPath = root + "/lock"

        try FileSystem.makeDirectories(blobs.directory, mode: 0o700)
        try FileSystem.makeDirectories(snapshotsDirectory, mode: 0o700)
        try FileSystem.makeDirectories(temporary.path, mode: 0o700)
        try temporary.removeLeftovers()
        let layoutPath = root + "/oci-layout"
        if !FileSystem.exists(layoutPath) {
            try writeAtomically(Array(#"{"imageLayoutVersion":"1.0.0"}"#.utf8), to: layoutPath)
        }
        if !FileSystem.exists(indexPath) {
            try StoreLock.withExclusive(lockPath) { () throws(ImageError) in
                if !FileSystem.exists(indexPath) { try writeIndex(OCIIndex()) }
            }
        }
    }

    // MARK: - Index

    func readIndex() throws(ImageError) -> OCIIndex {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.read(indexPath)
        } catch  where error.code == .notFound {
            return OCIIndex()
        }
        return try JSONCoding.decode(OCIIndex.self, bytes, what: indexPath)
    }

    /// Replaces `index.json` atomically. Callers hold the store lock.
    func writeIndex(_ index: OCIIndex) throws(ImageError) {
        try writeAtomically(try JSONCoding.encode(index), to: indexPath)
    }

    /// Read-modify-write of the index under the store lock.
    func updateIndex<T>(_ change: (inout OCIIndex) throws(ImageError) -> T) throws(ImageError) -> T {
        try StoreLock.withExclusive(lockPath) { () throws(ImageError) -> T in
            var index = try readIndex()
            let result = try change(&index)
            try writeIndex(index)
            return result
        }
    }

    /// Temp file in `tmp/`, fsync, rename over `path`, fsync of its directory.
    func writeAtomically(_ bytes: [UInt8], to path: String) throws(ImageError) {
        let (item, fd) = try temporary.makeFile(purpose: "write")
        defer { item.discard() }
        var failure: ImageError?
        bytes.withUnsafeBytes { raw in
            do throws(ImageError) { try FileSystem.writeAll(fd, raw, path: item.path) } catch { failure = error }
        }
        if failure == nil && fsync(fd) != 0 {
            failure = ImageError(.io, "cannot fsync \(item.path): \(Errno.text(errno))")
        }
        close(fd)
        if let failure { throw failure }
        guard rename(item.path, path) == 0 else {
            throw ImageError(.io, "cannot rename \(item.path) to \(path): \(Errno.text(errno))")
        }
        try FileSystem.syncDirectory(FileSystem.parent(of: path))
    }
}
