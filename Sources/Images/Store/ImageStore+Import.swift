import Glibc

extension ImageStore {
    /// Imports a root filesystem tarball (gzip or plain tar) as a one-layer image tagged `reference`.
    ///
    /// The tarball is unpacked safely into a snapshot (device nodes are left out: the runtime
    /// gives containers their own `/dev`) and, in the same pass, each entry unpacked is written,
    /// cleaned, to the layer (names made relative, mtimes clamped, tar-only metadata dropped), so
    /// the input is read once; only then are the blobs, the snapshot and the tag made visible. Importing the same tarball
    /// again reuses the layer and its snapshot. A tag already in use moves to the new image; the
    /// old one stays, untagged, until removed by id. `comment` goes into the history entry
    /// (`docker import --message`).
    public func importRootfs(
        tarball: String, reference: String, config: ImageConfig = ImageConfig(),
        createdBy: String = "swiftstack image import", comment: String? = nil
    ) throws(ImageError) -> Image {
        let reference = try ImageReference(parsing: reference)
        guard FileSystem.exists(tarball) else {
            throw ImageError(.notFound, "cannot import \(tarball): no such file")
        }
        let work = try temporary.makeDirectory(purpose: "import")
        defer { work.discard() }
        let snapshot = work.path + "/snapshot"
        try FileSystem.makeDirectories(snapshot + "/rootfs", mode: 0o755)
        var limits = extractionLimits
        limits.deviceNodes = .skip
        // The layer is written from the entries as they are unpacked (one read of the input,
        // gzip on worker threads meanwhile), and one syncfs covers the snapshot and the blob.
        // `save` keeps layers as stored, so digests survive a round trip.
        let layerPath = work.path + "/layer"
        var options = LayerWriter.Options(clampModificationTime: sourceDateEpoch, compress: true)
        options.sync = false
        let layer = try LayerArchive.extract(
            tarball: tarball, into: snapshot + "/rootfs", limits: limits, writingLayer: layerPath, options: options)
        try FileSystem.syncFileSystem(of: work.path)
        let staged = StagedLayer(
            blobPath: layerPath, descriptor: layer.descriptor, diffID: layer.diffID, snapshot: snapshot)
        return try publishImport(
            staged, reference: reference, config: config,
            history: HistoryEntry(createdBy: createdBy, comment: comment))
    }

    /// Imports the root filesystem in `directory` as a one-layer image tagged `reference`.
    ///
    /// The tree is walked without following symbolic links (`openat` with `O_NOFOLLOW` from the
    /// directory down); device nodes and sockets are left out, hardlinks, modes, owners and
    /// extended attributes kept. The written layer is then unpacked as the snapshot, so the
    /// snapshot holds exactly what the layer says.
    public func importRootfs(
        directory: String, reference: String, config: ImageConfig = ImageConfig(),
        createdBy: String = "swiftstack image import", comment: String? = nil
    ) throws(ImageError) -> Image {
        let reference = try ImageReference(parsing: reference)
        guard FileSystem.isDirectory(directory) else {
            throw ImageError(.notFound, "cannot import \(directory): no such directory")
        }
        let work = try temporary.makeDirectory(purpose: "import")
        defer { work.discard() }
        let staged = try stageLayer(
            from: directory, work: work.path, parentChainID: nil,
            options: LayerWriter.Options(clampModificationTime: sourceDateEpoch, skipDevices: true, compress: false))
        return try publishImport(
            staged, reference: reference, config: config,
            history: HistoryEntry(createdBy: createdBy, comment: comment))
    }

    private func publishImport(
        _ layer: StagedLayer, reference: ImageReference, config: ImageConfig,
        history: HistoryEntry
    ) throws(ImageError) -> Image {
        let created = Timestamp.creation(epoch: sourceDateEpoch)
        var history = history
        history.created = created
        let platform = Platform.current
        let configuration = OCIImageConfiguration(
            created: created, author: nil, architecture: platform.architecture, os: platform.os, config: config,
            rootfs: .init(diffIDs: [layer.diffID]), history: [history]
        )
        return try StoreLock.withExclusive(lockPath) { () throws(ImageError) -> Image in
            try publish(layers: [layer], baseLayers: [], configuration: configuration, reference: reference)
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
                dangling.removeReferenceName()
                manifests.append(dangling)
            }
        }
        // A dangling entry of the same manifest is replaced by the tagged one.
        manifests.removeAll { $0.digest == manifest.digest && $0.referenceName == nil }
        var tagged = manifest
        tagged.annotations = (manifest.annotations ?? [:]).merging([OCIAnnotation.referenceName: name]) { $1 }
        manifests.append(tagged)
    }
}

extension OCIDescriptor {
    var referenceName: String? { annotations?[OCIAnnotation.referenceName] }

    /// Drops the tag (and the repo digest flag, which belongs to it), keeping the summary annotations.
    mutating func removeReferenceName() {
        annotations?[OCIAnnotation.referenceName] = nil
        annotations?[OCIAnnotation.repoDigest] = nil
        if annotations?.isEmpty == true { annotations = nil }
    }
}
