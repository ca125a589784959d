extension ImageStore {
    /// A layer written and verified in `tmp/`, with its unpacked snapshot, ready to be moved in.
    struct StagedLayer {
        /// The blob file in `tmp/`.
        var blobPath: String
        var descriptor: OCIDescriptor
        var diffID: String
        /// A directory holding `rootfs/`, or `nil` when the snapshot of its chain id exists already.
        var snapshot: String?
    }

    /// Moves staged layers into the store, writes the config and the manifest, and points
    /// `reference` at the result (or records it untagged). Callers hold the store lock, so
    /// garbage collection never sees the blobs before the index names them.
    func publish(
        layers: [StagedLayer], baseLayers: [OCIDescriptor], configuration: OCIImageConfiguration,
        configBytes given: [UInt8]? = nil, reference: ImageReference?
    ) throws(ImageError) -> Image {
        let chainIDs = try Self.chainIDs(configuration.rootfs.diffIDs)
        let firstNew = chainIDs.count - layers.count
        for (offset, layer) in layers.enumerated() {
            // The digest was computed while the layer was written: no second pass over it.
            try blobs.adopt(layer.blobPath, digest: layer.descriptor.digest)
            if let snapshot = layer.snapshot { try commitSnapshot(snapshot, chainID: chainIDs[firstNew + offset]) }
        }
        let configBytes: [UInt8]
        if let given { configBytes = given } else { configBytes = try JSONCoding.encode(configuration) }
        let configDigest = try blobs.write(configBytes)
        let manifest = OCIManifest(
            config: OCIDescriptor(mediaType: OCIMediaType.config, digest: configDigest, size: Int64(configBytes.count)),
            layers: baseLayers + layers.map(\.descriptor)
        )
        let manifestBytes = try JSONCoding.encode(manifest)
        let manifestDigest = try blobs.write(manifestBytes)
        let descriptor = OCIDescriptor(
            mediaType: OCIMediaType.manifest, digest: manifestDigest, size: Int64(manifestBytes.count),
            platform: OCIPlatform(architecture: configuration.architecture, os: configuration.os))
        return try record(descriptor, reference: reference)
    }

    /// Adds a manifest (already in `blobs/`) to the index under `reference`, or untagged. Callers hold the lock.
    /// `knownDigest`: the manifest is byte for byte what a named source had (see `RepoDigests`).
    func record(
        _ descriptor: OCIDescriptor, reference: ImageReference?, knownDigest: Bool = false
    ) throws(ImageError) -> Image {
        var descriptor = descriptor
        descriptor.annotations = try summaryAnnotations(manifestDigest: descriptor.digest)
        var index = try readIndex()
        // Tagging the same manifest again (a later load of a Docker archive of it) keeps what was known.
        let knewDigest = index.manifests.contains {
            $0.digest == descriptor.digest && $0.referenceName == reference?.description
                && $0.annotations?[OCIAnnotation.repoDigest] == "true"
        }
        if (knownDigest || knewDigest) && reference != nil {
            descriptor.annotations?[OCIAnnotation.repoDigest] = "true"
        }
        if let reference {
            index.tag(reference, manifest: descriptor)
        } else if !index.manifests.contains(where: { $0.digest == descriptor.digest }) {
            index.manifests.append(descriptor)
        }
        try writeIndex(index)
        return try loadImage(manifestDigest: descriptor.digest, index: index)
    }

    /// Writes `directory` as a layer in `tmp/` (inside `work`), then unpacks that layer into a
    /// snapshot next to it unless the snapshot of `chainID` exists already.
    func stageLayer(
        from directory: String, work: String, parentChainID: String?,
        options: LayerWriter.Options
    ) throws(ImageError) -> StagedLayer {
        let blobPath = work + "/layer.tar.gz"
        let blob = try LayerArchive.writeLayer(from: directory, to: blobPath, options: options)
        let chainID = try Self.chainIDs((parentChainID.map { [$0] } ?? []) + [blob.diffID]).last!
        var snapshot: String?
        if !FileSystem.isDirectory(try snapshotPath(chainID) + "/rootfs") {
            snapshot = work + "/snapshot"
            try FileSystem.makeDirectories(snapshot! + "/rootfs", mode: 0o755)
            try LayerArchive.extract(tarball: blobPath, into: snapshot! + "/rootfs", limits: extractionLimits)
        }
        return StagedLayer(blobPath: blobPath, descriptor: blob.descriptor, diffID: blob.diffID, snapshot: snapshot)
    }
}

extension LayerBlob {
    var descriptor: OCIDescriptor {
        OCIDescriptor(
            mediaType: mediaType, digest: digest, size: size,
            annotations: [OCIAnnotation.uncompressedSize: String(uncompressedSize)])
    }
}

extension ImageStore {
    /// What `summaries()` needs of an image, for its `index.json` entry.
    func summaryAnnotations(manifestDigest: String) throws(ImageError) -> [String: String] {
        let image = try loadImage(manifestDigest: manifestDigest, index: OCIIndex())
        return [
            OCIAnnotation.imageID: image.id, OCIAnnotation.imageSize: String(image.size),
            OCIAnnotation.created: image.created,
        ]
    }
}
