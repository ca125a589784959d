import Digest
import Glibc

/// Reads an image archive (`docker save`, old and new layouts, or an OCI archive) unpacked in
/// the store's `tmp/`, verifies everything, and stages blobs and snapshots for the store to
/// publish in one step.
///
/// Names the archive's documents give are opened beneath the unpacked archive only (lexically
/// relative without `..`, then `openat2(RESOLVE_BENEATH)`), so symbolic links inside it work
/// (Docker's old layout shares layers that way) and nothing outside it is ever read.
final class ArchiveLoader {
    /// An image ready to publish: its manifest and config bytes (verbatim from an OCI archive,
    /// made for a Docker one) and the references the archive gives it.
    struct PlannedImage {
        var manifestBytes: [UInt8]
        var manifestMediaType: String
        var configBytes: [UInt8]
        var platform: OCIPlatform
        var references: [ImageReference]
        /// The manifest was made here (a Docker archive has none): an image in the store with
        /// the same config is the same image, and keeps its own manifest.
        var manifestIsMade = false
    }

    private let store: ImageStore
    private let display: String
    private let root: String
    private let rootFD: Int32
    private let work: String
    private var counter = 0
    /// digest → staged blob file in `work`.
    private(set) var stagedBlobs: [String: String] = [:]
    /// chain id → staged snapshot directory (holding `rootfs/`).
    private(set) var stagedSnapshots: [String: String] = [:]
    private(set) var images: [PlannedImage] = []

    /// JSON documents above this size are refused (a real one is a few kilobytes).
    private static let documentLimit: Int64 = 16 << 20

    init(store: ImageStore, display: String, unpacked root: String, work: String) throws(ImageError) {
        self.store = store
        self.display = display
        self.root = root
        self.work = work
        rootFD = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard rootFD >= 0 else { throw ImageError(.io, "cannot open \(root): \(Errno.text(errno))") }
    }

    deinit { close(rootFD) }

    func plan() throws(ImageError) {
        if memberExists("manifest.json") {
            try planDocker()
        } else if memberExists("index.json") {
            try planOCI()
        } else {
            throw ImageError(
                .corrupt,
                "cannot load \(display): it has neither manifest.json (docker save) nor index.json (OCI archive)")
        }
        guard !images.isEmpty else { throw ImageError(.corrupt, "cannot load \(display): it holds no image") }
    }

    // MARK: - docker save

    private func planDocker() throws(ImageError) {
        let entries = try JSONCoding.decode(
            [DockerArchiveManifest].self, try readDocument("manifest.json", what: "manifest.json"),
            what: "manifest.json of \(display)")
        for entry in entries {
            let configBytes = try readDocument(entry.config, what: "manifest.json's Config")
            let configDigest = "sha256:" + SHA256.hex(configBytes)
            if let named = Self.digestInName(entry.config), named != configDigest {
                throw ImageError(
                    .corrupt,
                    "refusing \(display): config '\(entry.config)' has digest \(configDigest), not the one its name says; the archive is damaged or was tampered with"
                )
            }
            let configuration = try JSONCoding.decode(
                OCIImageConfiguration.self, configBytes, what: "config \(entry.config) of \(display)")
            guard configuration.rootfs.diffIDs.count == entry.layers.count else {
                throw ImageError(
                    .corrupt,
                    "refusing \(display): config \(entry.config) lists \(configuration.rootfs.diffIDs.count) layers but manifest.json \(entry.layers.count)"
                )
            }
            var layers = [OCIDescriptor]()
            for (name, diffID) in zip(entry.layers, configuration.rootfs.diffIDs) {
                let member = try openMember(name, what: "manifest.json's Layers")
                defer { close(member.fd) }
                let file = try StreamingDigest.ofFile(member.path)
                if let named = Self.digestInName(name), named != file.digest, named != diffID {
                    throw ImageError(
                        .corrupt,
                        "refusing \(display): layer '\(name)' has digest \(file.digest), not the one its name says; the archive is damaged or was tampered with"
                    )
                }
                let descriptor = try stageLayer(
                    member.path, name: name, digest: file.digest, size: file.size, diffID: diffID)
                layers.append(descriptor)
            }
            let manifest = OCIManifest(
                config: OCIDescriptor(
                    mediaType: OCIMediaType.config, digest: configDigest, size: Int64(configBytes.count)),
                layers: layers)
            var references = [ImageReference]()
            for tag in entry.repoTags ?? [] {
                references.append(try reference(tag, source: "manifest.json's RepoTags"))
            }
            images.append(
                PlannedImage(
                    manifestBytes: try JSONCoding.encode(manifest), manifestMediaType: OCIMediaType.manifest,
                    configBytes: configBytes,
                    platform: OCIPlatform(architecture: configuration.architecture, os: configuration.os),
                    references: references, manifestIsMade: true))
        }
    }

    // MARK: - OCI archive

    private func planOCI() throws(ImageError) {
        let index = try JSONCoding.decode(
            OCIIndex.self, try readDocument("index.json", what: "index.json"), what: "index.json of \(display)")
        var planned = [String: Int]()
        for descriptor in index.manifests {
            let manifestDescriptor = try resolveManifest(descriptor, depth: 0)
            let reference = try referenceFromAnnotations(descriptor.annotations)
            if let position = planned[manifestDescriptor.digest] {
                if let reference, !images[position].references.contains(reference) {
                    images[position].references.append(reference)
                }
                continue
            }
            let manifestBytes = try readBlob(manifestDescriptor, what: "manifest")
            let manifest = try JSONCoding.decode(
                OCIManifest.self, manifestBytes, what: "manifest \(manifestDescriptor.digest) of \(display)")
            let configBytes = try readBlob(manifest.config, what: "config")
            let configuration = try JSONCoding.decode(
                OCIImageConfiguration.self, configBytes, what: "config \(manifest.config.digest) of \(display)")
            guard configuration.rootfs.diffIDs.count == manifest.layers.count else {
                throw ImageError(
                    .corrupt,
                    "refusing \(display): config \(manifest.config.digest) lists \(configuration.rootfs.diffIDs.count) layers but its manifest \(manifest.layers.count)"
                )
            }
            for (layer, diffID) in zip(manifest.layers, configuration.rootfs.diffIDs) {
                let name = try blobName(layer.digest, what: "layer")
                let member = try openMember(
                    name, what: "a layer of manifest \(manifestDescriptor.digest)", missing: "a missing blob")
                defer { close(member.fd) }
                let file = try StreamingDigest.ofFile(member.path)
                try check(file, against: layer, name: name)
                _ = try stageLayer(member.path, name: name, digest: file.digest, size: file.size, diffID: diffID)
            }
            planned[manifestDescriptor.digest] = images.count
            images.append(
                PlannedImage(
                    manifestBytes: manifestBytes, manifestMediaType: manifest.mediaType ?? manifestDescriptor.mediaType,
                    configBytes: configBytes,
                    platform: manifestDescriptor.platform
                        ?? OCIPlatform(architecture: configuration.architecture, os: configuration.os),
                    references: reference.map { [$0] } ?? []))
        }
    }

    /// Follows nested indexes (Docker and podman write one level) to the manifest for this machine.
    private func resolveManifest(_ descriptor: OCIDescriptor, depth: Int) throws(ImageError) -> OCIDescriptor {
        guard descriptor.mediaType == OCIMediaType.index || descriptor.mediaType == OCIMediaType.dockerManifestList
        else {
            return descriptor
        }
        guard depth < 4 else { throw ImageError(.corrupt, "refusing \(display): indexes nested more than 4 deep") }
        let nested = try JSONCoding.decode(
            OCIIndex.self, try readBlob(descriptor, what: "index"), what: "index \(descriptor.digest) of \(display)")
        let platform = Platform.current
        let candidates = nested.manifests.filter { candidate in
            guard let wanted = candidate.platform else { return true }
            return wanted.architecture == platform.architecture && wanted.os == platform.os
        }
        guard let chosen = candidates.first else {
            throw ImageError(
                .notFound,
                "cannot load \(display): index \(descriptor.digest) has no image for \(platform.os)/\(platform.architecture)"
            )
        }
        return try resolveManifest(chosen, depth: depth + 1)
    }

    private func referenceFromAnnotations(_ annotations: [String: String]?) throws(ImageError) -> ImageReference? {
        if let full = annotations?[OCIAnnotation.containerdImageName] {
            return try reference(full, source: "index.json's \(OCIAnnotation.containerdImageName)")
        }
        // A bare tag (Docker's convention) names no repository: the image loads untagged.
        guard let name = annotations?[OCIAnnotation.referenceName], name.contains(":") || name.contains("/") else {
            return nil
        }
        return try reference(name, source: "index.json's \(OCIAnnotation.referenceName)")
    }

    // MARK: - Blobs and layers

    /// Verifies the layer's diff id (decompressing once, bounded), links it into `work` and
    /// unpacks its snapshot when the store lacks it. Returns its descriptor in the store.
    private func stageLayer(_ path: String, name: String, digest: String, size: Int64, diffID: String)
        throws(ImageError) -> OCIDescriptor
    {
        let compression = try LayerDigest.compression(of: path)
        let limits = store.extractionLimits
        let streamLimit = limits.maxUncompressedBytes &+ Int64(limits.maxEntries) &* 1536 &+ (1 << 20)
        let uncompressed =
            compression == .none
            ? (diffID: digest, size: size)
            : try LayerDigest.uncompressed(path, display: "'\(name)' of \(display)", limit: streamLimit)
        guard uncompressed.diffID == diffID else {
            throw ImageError(
                .corrupt,
                "refusing \(display): layer '\(name)' has diff id \(uncompressed.diffID) but the config says \(diffID); the archive is damaged or was tampered with"
            )
        }
        if stagedBlobs[digest] == nil {
            let staged = "\(work)/blob-\(counter)"
            counter += 1
            guard linkat(AT_FDCWD, path, AT_FDCWD, staged, AT_SYMLINK_FOLLOW) == 0 else {
                throw ImageError(.io, "cannot stage layer '\(name)' of \(display): \(Errno.text(errno))")
            }
            stagedBlobs[digest] = staged
        }
        return OCIDescriptor(
            mediaType: compression.mediaType, digest: digest, size: size,
            annotations: [OCIAnnotation.uncompressedSize: String(uncompressed.size)])
    }

    /// Unpacks the snapshot of every image's layers the store does not have yet.
    func stageSnapshots() throws(ImageError) {
        for image in images {
            let manifest = try JSONCoding.decode(OCIManifest.self, image.manifestBytes, what: "manifest")
            let configuration = try JSONCoding.decode(OCIImageConfiguration.self, image.configBytes, what: "config")
            let chainIDs = try ImageStore.chainIDs(configuration.rootfs.diffIDs)
            for (layer, chainID) in zip(manifest.layers, chainIDs) {
                guard stagedSnapshots[chainID] == nil,
                    !FileSystem.isDirectory(try store.snapshotPath(chainID) + "/rootfs")
                else { continue }
                guard let blob = stagedBlobs[layer.digest] else { continue }
                let snapshot = "\(work)/snapshot-\(counter)"
                counter += 1
                try FileSystem.makeDirectories(snapshot + "/rootfs", mode: 0o755)
                do {
                    try LayerArchive.extract(tarball: blob, into: snapshot + "/rootfs", limits: store.extractionLimits)
                } catch {
                    throw ImageError(error.code, "cannot load \(display): layer \(layer.digest): \(error.message)")
                }
                stagedSnapshots[chainID] = snapshot
            }
        }
    }

    private func readBlob(_ descriptor: OCIDescriptor, what: String) throws(ImageError) -> [UInt8] {
        let name = try blobName(descriptor.digest, what: what)
        guard descriptor.size >= 0, descriptor.size <= Self.documentLimit else {
            throw ImageError(
                .unsafeArchive,
                "refusing \(display): the \(what) \(descriptor.digest) declares \(descriptor.size) bytes")
        }
        let bytes = try readDocument(name, what: "the \(what) \(descriptor.digest)", missing: "a missing blob")
        try check((digest: "sha256:" + SHA256.hex(bytes), size: Int64(bytes.count)), against: descriptor, name: name)
        return bytes
    }

    private func check(_ actual: (digest: String, size: Int64), against descriptor: OCIDescriptor, name: String)
        throws(ImageError)
    {
        guard actual.digest == descriptor.digest else {
            throw ImageError(
                .corrupt,
                "refusing \(display): blob \(name) has digest \(actual.digest), not \(descriptor.digest); the archive is damaged or was tampered with"
            )
        }
        guard actual.size == descriptor.size else {
            throw ImageError(
                .corrupt,
                "refusing \(display): blob \(name) has \(actual.size) bytes, its descriptor says \(descriptor.size)")
        }
    }

    private func blobName(_ digest: String, what: String) throws(ImageError) -> String {
        do {
            return "blobs/sha256/" + (try BlobStore.hex(of: digest))
        } catch {
            throw ImageError(
                .unsafeArchive,
                "refusing \(display): a \(what) has the digest '\(digest)', which is not sha256: and 64 lowercase hex digits"
            )
        }
    }

    /// `sha256:<hex>` when a member name is `<hex>`, `<hex>.json` or `…/sha256/<hex>`.
    private static func digestInName(_ name: String) -> String? {
        var base = String(name.split(separator: "/").last ?? "")
        if base.hasSuffix(".json") { base.removeLast(5) }
        let candidate = "sha256:" + base
        return (try? BlobStore.hex(of: candidate)) == nil ? nil : candidate
    }

    private func reference(_ text: String, source: String) throws(ImageError) -> ImageReference {
        do {
            return try ImageReference(parsing: text)
        } catch {
            throw ImageError(.invalidReference, "cannot load \(display): \(source) holds '\(text)': \(error.message)")
        }
    }

    // MARK: - Members

    private func memberExists(_ name: String) -> Bool {
        guard case .opened(let fd) = ContainedOpen.open(Array(name.utf8CString), below: rootFD, flags: O_RDONLY) else {
            return false
        }
        close(fd)
        return true
    }

    private func readDocument(_ name: String, what: String, missing: String = "a missing file") throws(ImageError)
        -> [UInt8]
    {
        let member = try openMember(name, what: what, missing: missing)
        defer { close(member.fd) }
        guard member.size <= Self.documentLimit else {
            throw ImageError(
                .unsafeArchive,
                "refusing \(display): \(what) '\(name)' has \(member.size) bytes; a JSON document of an image is far smaller"
            )
        }
        return try FileSystem.read(member.path)
    }

    /// Opens a member named by one of the archive's documents, beneath the archive only.
    /// `path` is `/proc/self/fd/N`, valid while `fd` is open.
    private func openMember(
        _ name: String, what: String,
        missing: String = "a missing file"
    ) throws(ImageError) -> (fd: Int32, path: String, size: Int64) {
        let components = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !name.isEmpty, !name.hasPrefix("/"), !components.contains("..") else {
            throw ImageError(
                .unsafeArchive,
                "refusing \(display): \(what) names '\(name)', outside the archive; paths in an image archive are relative and never use '..'"
            )
        }
        switch ContainedOpen.open(Array(name.utf8CString), below: rootFD, flags: O_RDONLY) {
        case .opened(let fd):
            var info = stat()
            guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
                close(fd)
                throw ImageError(.corrupt, "refusing \(display): \(what) names '\(name)', which is not a regular file")
            }
            return (fd, "/proc/self/fd/\(fd)", Int64(info.st_size))
        case .failed(let code) where code == ENOENT || code == ENOTDIR:
            throw ImageError(
                .corrupt,
                "refusing \(display): \(what) names '\(name)', \(missing): the archive has no such file; it is incomplete"
            )
        case .failed(let code) where code == EXDEV || code == ELOOP:
            throw ImageError(
                .unsafeArchive,
                "refusing \(display): \(what) names '\(name)', which leads outside the archive through a symbolic link")
        case .failed(let code):
            throw ImageError(.io, "cannot open '\(name)' in \(display): \(Errno.text(code))")
        }
    }
}
