extension ImageStore {
    /// The steps that made `image`, newest first, each with the size of its layer.
    ///
    /// Steps are matched to layers in order, skipping `empty_layer` ones; when the config has
    /// no usable history (fewer layer steps than layers), each layer gets a row of its own.
    public func history(of image: Image) throws(ImageError) -> [ImageHistoryItem] {
        let manifest = try blobs.readJSON(OCIManifest.self, image.manifestDigest)
        let configuration = try blobs.readJSON(OCIImageConfiguration.self, manifest.config.digest)
        let sizes = manifest.layers.map { layer in
            layer.annotations?[OCIAnnotation.uncompressedSize].flatMap { Int64($0) } ?? layer.size
        }
        let diffIDs = configuration.rootfs.diffIDs
        var steps = configuration.history ?? []
        if steps.filter(\.addsLayer).count != diffIDs.count {
            steps = diffIDs.map { _ in HistoryEntry(created: configuration.created) }
        }
        var items = [ImageHistoryItem]()
        var layer = 0
        for step in steps {
            var size: Int64 = 0
            var diffID: String?
            if step.addsLayer {
                size = layer < sizes.count ? sizes[layer] : 0
                diffID = diffIDs[layer]
                layer += 1
            }
            items.append(
                ImageHistoryItem(
                    imageID: nil, created: step.created, createdBy: step.createdBy ?? "",
                    comment: step.comment ?? "", size: size, diffID: diffID))
        }
        items.reverse()
        if !items.isEmpty { items[0].imageID = image.id }
        return items
    }
}
