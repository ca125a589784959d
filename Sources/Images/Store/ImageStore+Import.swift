import Glibc

extension ImageStore {
    /// Imports a root filesystem tarball (gzip or plain tar) as a one-layer image tagged `reference`.
    ///
    /// The tarball is unpacked safely into a snapshot (device nodes are left out: the runtime
    /// gives containers their own `/dev`), written back as a reproducible gzip layer, and only
    /// then are the blobs, the snapshot and the tag made visible. Importing the same tarball
    /// again reuses the layer and its snapshot. A tag already in use moves to the new image; the
    /// old one stays, untagged, until removed by id.
    public func importRootfs(tarball: String, reference: String, config: ImageConfig = ImageConfig(),
                             createdBy: String = "swiftstack image import") throws(ImageError) -> Image {
        let reference = try ImageReference(parsing: reference)
        guard FileSystem.exists(tarball) else {
            throw ImageError(.notFound, "cannot import \(tarball): no such file")
        }
        let work = try temporary.makeDirectory(purpose: "import")
        defer { work.discard() }
        let snapshot = work.path + "/snapshot"
        try FileSystem.makeDirectories(snapshot + "/rootfs", mode: 0o755)
        try LayerArchive.extract(tarball: tarball, into: snapshot + "/rootfs",
                                 limits: ExtractionLimits(deviceNodes: .skip))
        let layerPath = work.path + "/layer.tar.gz"
        let layer = try LayerArchive.writeLayer(from: snapshot + "/rootfs", to: layerPath)

        let created = Timestamp.now()
        let platform = Platform.current
        let configuration = OCIImageConfiguration(
            created: created, author: nil, architecture: platform.architecture, os: platform.os, config: config,
            rootfs: .init(diffIDs: [layer.diffID]),
            history: [.init(created: created, createdBy: createdBy)]
        )
        let configBytes = try JSONCoding.encode(configuration)

        return try StoreLock.withExclusive(lockPath) { () throws(ImageError) -> Image in
            // Under the lock, so a concurrent removal cannot collect the blobs before the index names them.
            try blobs.ingest(layerPath, digest: layer.digest, size: layer.size)
            try commitSnapshot(snapshot, chainID: layer.diffID)
            let configDigest = try blobs.write(configBytes)
            let manifest = OCIManifest(
                config: OCIDescriptor(mediaType: OCIMediaType.config, digest: configDigest, size: Int64(configBytes.count)),
                layers: [OCIDescriptor(mediaType: OCIMediaType.layerGzip, digest: layer.digest, size: layer.size,
                                       annotations: [OCIAnnotation.uncompressedSize: String(layer.uncompressedSize)])]
            )
            let manifestBytes = try JSONCoding.encode(manifest)
            let manifestDigest = try blobs.write(manifestBytes)
            var index = try readIndex()
            index.tag(reference, manifest: OCIDescriptor(
                mediaType: OCIMediaType.manifest, digest: manifestDigest, size: Int64(manifestBytes.count),
                platform: OCIPlatform(architecture: platform.architecture, os: platform.os)))
            try writeIndex(index)
            return try loadImage(manifestDigest: manifestDigest, index: index)
        }
    }
}

extension OCIIndex {
    /// Points `reference` at `manifest`: its previous image keeps an untagged entry (dangling)
    /// when no other tag names it, as Docker keeps `<none>` images.
    mutating func tag(_ reference: ImageReference, manifest: OCIDescriptor) {
        let name = reference.description
        if let old = manifests.firstIndex(where: { $0.referenceName == name }) {
            var dangling = manifests.remove(at: old)
            let oldDigest = dangling.digest
            if oldDigest != manifest.digest && !manifests.contains(where: { $0.digest == oldDigest }) {
                dangling.annotations = nil
                manifests.append(dangling)
            }
        }
        // A dangling entry of the same manifest is replaced by the tagged one.
        manifests.removeAll { $0.digest == manifest.digest && $0.referenceName == nil }
        var tagged = manifest
        tagged.annotations = [OCIAnnotation.referenceName: name]
        manifests.append(tagged)
    }
}

extension OCIDescriptor {
    var referenceName: String? { annotations?[OCIAnnotation.referenceName] }
}
