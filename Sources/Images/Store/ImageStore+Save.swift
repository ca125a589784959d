import Glibc

extension ImageStore {
    /// Writes the images `references` name (references, ids or id prefixes) into one tar at
    /// `path`, as `docker save` / `podman save`.
    ///
    /// `.oci` writes an OCI image layout (blobs as stored, gzip layers; `index.json` names each
    /// image by `io.containerd.image.name` and its tag by `org.opencontainers.image.ref.name`,
    /// as Docker does). `.docker` writes `manifest.json` with `Config`, `RepoTags` and
    /// `Layers` (uncompressed tars under `blobs/sha256/`, named by diff id). An image named by
    /// id is saved without tags. The archive is written next to `path` and renamed into place,
    /// so a failure leaves no partial file; a `path` that is a device, fifo or symbolic link
    /// (`/dev/stdout`) is written through, never replaced.
    public func save(_ references: [String], to path: String, format: ImageArchiveFormat) throws(ImageError) {
        var info = stat()
        if lstat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG {
            // A device, fifo or symbolic link (`/dev/stdout`): write through it, never replace it.
            guard (info.st_mode & S_IFMT) != S_IFDIR else {
                throw ImageError(.invalidArgument, "cannot save to \(path): it is a directory; name a file")
            }
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { throw ImageError(.io, "cannot open \(path): \(Errno.text(errno))") }
            defer { close(fd) }
            try save(references, toFileDescriptor: fd, display: path, format: format)
            return
        }
        let temporaryPath =
            "\(FileSystem.parent(of: path))/.\(path.split(separator: "/").last ?? "image")-\(UInt64.random(in: 0 ... .max).hexString).tmp"
        let fd = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ImageError(.io, "cannot create \(temporaryPath): \(Errno.text(errno))") }
        var finished = false
        defer {
            close(fd)
            if !finished { unlink(temporaryPath) }
        }
        try save(references, toFileDescriptor: fd, display: path, format: format)
        guard fsync(fd) == 0 else { throw ImageError(.io, "cannot fsync \(temporaryPath): \(Errno.text(errno))") }
        guard rename(temporaryPath, path) == 0 else {
            throw ImageError(.io, "cannot move \(temporaryPath) to \(path): \(Errno.text(errno))")
        }
        finished = true
    }

    /// Writes the archive to an open descriptor (standard output, a pipe), which stays open.
    public func save(_ references: [String], toFileDescriptor descriptor: Int32, format: ImageArchiveFormat)
        throws(ImageError)
    {
        try save(references, toFileDescriptor: descriptor, display: "file descriptor \(descriptor)", format: format)
    }

    private func save(
        _ references: [String], toFileDescriptor descriptor: Int32, display: String,
        format: ImageArchiveFormat
    ) throws(ImageError) {
        guard !references.isEmpty else { throw ImageError(.invalidArgument, "name at least one image to save") }
        let index = try readIndex()
        var selections = [(manifestDigest: String, tags: [String])]()
        for reference in references {
            let digest = try resolve(reference, in: index)
            var tags = [String]()
            if !reference.hasPrefix("sha256:"), let parsed = try? ImageReference(parsing: reference),
                index.manifests.contains(where: { $0.referenceName == parsed.description })
            {
                tags = [parsed.description]
            }
            if let existing = selections.firstIndex(where: { $0.manifestDigest == digest }) {
                selections[existing].tags += tags.filter { !selections[existing].tags.contains($0) }
            } else {
                selections.append((digest, tags))
            }
        }
        let work = try temporary.makeDirectory(purpose: "save")
        defer { work.discard() }
        let writer = try BundleWriter(path: display, descriptor: descriptor)
        switch format {
        case .oci: try writeOCI(selections, into: writer)
        case .docker: try writeDocker(selections, into: writer, work: work.path)
        }
        try writer.finish()
    }

    private func writeOCI(_ selections: [(manifestDigest: String, tags: [String])], into writer: BundleWriter)
        throws(ImageError)
    {
        var written = Set<String>()
        func blob(_ digest: String) throws(ImageError) {
            guard written.insert(digest).inserted else { return }
            let path = try blobs.path(of: digest)
            guard FileSystem.exists(path) else {
                throw ImageError(
                    .corrupt, "blob \(digest) is missing from \(blobs.directory); remove the image and import it again")
            }
            try writer.add("blobs/sha256/" + BlobStore.hex(of: digest), contentsOf: path)
        }
        try writer.add("oci-layout", bytes: Array(#"{"imageLayoutVersion":"1.0.0"}"#.utf8))
        var index = OCIIndex()
        for selection in selections {
            let manifest = try blobs.readJSON(OCIManifest.self, selection.manifestDigest)
            let descriptor = OCIDescriptor(
                mediaType: manifest.mediaType ?? OCIMediaType.manifest, digest: selection.manifestDigest,
                size: try blobs.size(of: selection.manifestDigest))
            if selection.tags.isEmpty { index.manifests.append(descriptor) }
            for tag in selection.tags {
                let reference = try ImageReference(parsing: tag)
                var named = descriptor
                named.annotations = [
                    OCIAnnotation.containerdImageName: reference.description,
                    OCIAnnotation.referenceName: reference.tag,
                ]
                index.manifests.append(named)
            }
            for layer in manifest.layers { try blob(layer.digest) }
            try blob(manifest.config.digest)
            try blob(selection.manifestDigest)
        }
        try writer.add("index.json", bytes: try JSONCoding.encode(index))
    }

    private func writeDocker(
        _ selections: [(manifestDigest: String, tags: [String])], into writer: BundleWriter,
        work: String
    ) throws(ImageError) {
        var written = Set<String>()
        var entries = [DockerArchiveManifest]()
        var repositories = [String: [String: String]]()
        for selection in selections {
            let manifest = try blobs.readJSON(OCIManifest.self, selection.manifestDigest)
            let configuration = try blobs.readJSON(OCIImageConfiguration.self, manifest.config.digest)
            let configName = "blobs/sha256/" + (try BlobStore.hex(of: manifest.config.digest))
            if written.insert(configName).inserted {
                try writer.add(configName, contentsOf: try blobs.path(of: manifest.config.digest))
            }
            var layerNames = [String]()
            for (layer, diffID) in zip(manifest.layers, configuration.rootfs.diffIDs) {
                let name = "blobs/sha256/" + (try BlobStore.hex(of: diffID))
                layerNames.append(name)
                guard written.insert(name).inserted else { continue }
                let blobPath = try blobs.path(of: layer.digest)
                if try LayerDigest.compression(of: blobPath) == .none {
                    try writer.add(name, contentsOf: blobPath)
                    continue
                }
                // Docker archives carry uncompressed tars: decompress, checking the diff id on the way.
                let tarPath = work + "/layer.tar"
                let result = try LayerDigest.uncompressed(blobPath, display: layer.digest, limit: .max, copyTo: tarPath)
                guard result.diffID == diffID else {
                    throw ImageError(
                        .corrupt,
                        "layer \(layer.digest) of image \(manifest.config.digest) does not match its diff id \(diffID); the store is damaged: remove the image and import it again"
                    )
                }
                try writer.add(name, contentsOf: tarPath)
                unlink(tarPath)
            }
            entries.append(DockerArchiveManifest(config: configName, repoTags: selection.tags, layers: layerNames))
            for tag in selection.tags {
                let reference = try ImageReference(parsing: tag)
                repositories[reference.name, default: [:]][reference.tag] = String(manifest.config.digest.dropFirst(7))
            }
        }
        try writer.add("manifest.json", bytes: try JSONCoding.encode(entries))
        if !repositories.isEmpty { try writer.add("repositories", bytes: try JSONCoding.encode(repositories)) }
    }
}
