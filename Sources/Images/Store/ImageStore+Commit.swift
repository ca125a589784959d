extension ImageStore {
    /// Adds one layer on top of `base` (or starts from scratch): the builder's commit of a step.
    ///
    /// `directory` is what the step changed, normally a container's overlayfs upper directory:
    /// whiteout devices become `.wh.NAME` entries and opaque directories (`trusted.overlay.opaque`)
    /// `.wh..wh..opq`, so deletions survive in the image. Device nodes and sockets are left out.
    /// The result's config is `config`, its history the base's plus `history` (whose `created`
    /// defaults to now, or `SOURCE_DATE_EPOCH` when set; modification times after that epoch are
    /// clamped to it, so equal inputs give equal digests). A layer or snapshot already in the
    /// store (same chain id) is shared, not stored twice. `reference` tags the result; without
    /// one it is recorded untagged (dangling until tagged, like Docker's intermediate images).
    public func commit(
        base: Image?, layerFrom directory: String, config: ImageConfig, history: HistoryEntry,
        reference: String?
    ) throws(ImageError) -> Image {
        let reference = try reference.map { (text) throws(ImageError) in try ImageReference(parsing: text) }
        guard FileSystem.isDirectory(directory) else {
            throw ImageError(.notFound, "cannot commit \(directory): no such directory")
        }
        let (baseConfiguration, baseLayers) = try baseContent(base)
        let work = try temporary.makeDirectory(purpose: "commit")
        defer { work.discard() }
        let parentChainID = try Self.chainIDs(baseConfiguration?.rootfs.diffIDs ?? []).last
        let staged = try stageLayer(
            from: directory, work: work.path, parentChainID: parentChainID,
            options: LayerWriter.Options(clampModificationTime: sourceDateEpoch, skipDevices: true))
        var history = history
        history.emptyLayer = nil
        let configuration = nextConfiguration(
            baseConfiguration, config: config, history: history, newDiffID: staged.diffID)
        return try StoreLock.withExclusive(lockPath) { () throws(ImageError) -> Image in
            try publish(layers: [staged], baseLayers: baseLayers, configuration: configuration, reference: reference)
        }
    }

    /// A step that changed only the config (`ENV`, `CMD`, `LABEL`, …): the base's layers, the new
    /// `config`, and `emptyLayerHistory` appended with `empty_layer: true`.
    public func commit(
        base: Image?, config: ImageConfig, emptyLayerHistory: HistoryEntry,
        reference: String?
    ) throws(ImageError) -> Image {
        let reference = try reference.map { (text) throws(ImageError) in try ImageReference(parsing: text) }
        let (baseConfiguration, baseLayers) = try baseContent(base)
        var history = emptyLayerHistory
        history.emptyLayer = true
        let configuration = nextConfiguration(baseConfiguration, config: config, history: history, newDiffID: nil)
        return try StoreLock.withExclusive(lockPath) { () throws(ImageError) -> Image in
            // The base's blobs must still be there: a concurrent removal may have collected them.
            for layer in baseLayers where !blobs.contains(layer.digest) {
                throw ImageError(
                    .notFound,
                    "cannot commit on \(base?.id ?? "scratch"): its layer \(layer.digest) was removed meanwhile; build again"
                )
            }
            return try publish(layers: [], baseLayers: baseLayers, configuration: configuration, reference: reference)
        }
    }

    /// The base image's configuration and layer descriptors (none for scratch).
    private func baseContent(_ base: Image?) throws(ImageError) -> (OCIImageConfiguration?, [OCIDescriptor]) {
        guard let base else { return (nil, []) }
        let manifest = try blobs.readJSON(OCIManifest.self, base.manifestDigest)
        let configuration = try blobs.readJSON(OCIImageConfiguration.self, manifest.config.digest)
        return (configuration, manifest.layers)
    }

    private func nextConfiguration(
        _ base: OCIImageConfiguration?, config: ImageConfig, history: HistoryEntry,
        newDiffID: String?
    ) -> OCIImageConfiguration {
        var history = history
        let created = history.created ?? Timestamp.creation(epoch: sourceDateEpoch)
        history.created = created
        let platform = Platform.current
        var diffIDs = base?.rootfs.diffIDs ?? []
        if let newDiffID { diffIDs.append(newDiffID) }
        return OCIImageConfiguration(
            created: created, author: history.author ?? base?.author,
            architecture: base?.architecture ?? platform.architecture, os: base?.os ?? platform.os,
            config: config, rootfs: .init(diffIDs: diffIDs), history: (base?.history ?? []) + [history])
    }
}
