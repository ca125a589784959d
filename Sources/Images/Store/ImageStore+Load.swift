import Digest

extension ImageStore {
    /// Loads every image of an archive `docker save` (old layout with `<id>/layer.tar`, or
    /// Docker 25's with `blobs/sha256/`), `podman save` or `image save` wrote, plain or
    /// compressed; `path` may be `/dev/stdin`. Returns the loaded images, in archive order.
    ///
    /// The archive is unpacked (bounded by `extractionLimits`) in the store's `tmp/` and
    /// everything is checked before anything becomes visible: each blob's digest and size,
    /// each layer's diff id against its config, names in `manifest.json` that are relative and
    /// stay inside the archive, and each layer's safe extraction into its snapshot. Any failure
    /// throws an error naming the archive and the offending member, and leaves the store as it
    /// was. An OCI archive's manifests and configs are kept byte for byte, so digests survive
    /// a save and load; a Docker archive's config is kept (the image id survives) and a
    /// manifest is made for it.
    @discardableResult
    public func load(archive path: String) throws(ImageError) -> [Image] {
        guard FileSystem.exists(path) else { throw ImageError(.notFound, "cannot load \(path): no such file") }
        let work = try temporary.makeDirectory(purpose: "load")
        defer { work.discard() }
        let unpacked = work.path + "/archive"
        try FileSystem.makeDirectories(unpacked, mode: 0o700)
        do {
            try LayerArchive.extract(tarball: path, into: unpacked, limits: extractionLimits)
        } catch {
            throw ImageError(error.code, "cannot load \(path): \(error.message)")
        }
        let loader = try ArchiveLoader(store: self, display: path, unpacked: unpacked, work: work.path)
        try loader.plan()
        try loader.stageSnapshots()

        return try StoreLock.withExclusive(lockPath) { () throws(ImageError) -> [Image] in
            // An image of a Docker archive the store already has keeps its manifest (and its
            // gzip layers): its uncompressed copies from the archive are not needed then.
            var existing = [Int: OCIDescriptor]()
            var neededBlobs = Set<String>()
            for (position, planned) in loader.images.enumerated() {
                let configDigest = "sha256:" + SHA256.hex(planned.configBytes)
                if planned.manifestIsMade, var descriptor = try manifest(withConfig: configDigest) {
                    descriptor.removeReferenceName()
                    existing[position] = descriptor
                } else {
                    let manifest = try JSONCoding.decode(OCIManifest.self, planned.manifestBytes, what: "manifest")
                    neededBlobs.formUnion(manifest.layers.map(\.digest))
                }
            }
            for (digest, staged) in loader.stagedBlobs where neededBlobs.contains(digest) {
                try blobs.adopt(staged, digest: digest)
            }
            for (chainID, snapshot) in loader.stagedSnapshots { try commitSnapshot(snapshot, chainID: chainID) }
            var loaded = [Image]()
            for (position, planned) in loader.images.enumerated() {
                _ = try blobs.write(planned.configBytes)
                var descriptor: OCIDescriptor
                if let reused = existing[position] {
                    descriptor = reused
                } else {
                    let manifestDigest = try blobs.write(planned.manifestBytes)
                    descriptor = OCIDescriptor(
                        mediaType: planned.manifestMediaType, digest: manifestDigest,
                        size: Int64(planned.manifestBytes.count), platform: planned.platform)
                }
                var image = try record(descriptor, reference: nil)
                for reference in planned.references {
                    image = try record(descriptor, reference: reference, knownDigest: !planned.manifestIsMade)
                }
                if !loaded.contains(where: { $0.manifestDigest == image.manifestDigest }) { loaded.append(image) }
            }
            return loaded
        }
    }

    /// The index entry of an image whose config is `configDigest`, if the store has one.
    private func manifest(withConfig configDigest: String) throws(ImageError) -> OCIDescriptor? {
        for descriptor in try readIndex().manifests {
            if try blobs.readJSON(OCIManifest.self, descriptor.digest).config.digest == configDigest {
                return descriptor
            }
        }
        return nil
    }
}
