/// Layer tarballs: safe extraction into a directory and reproducible creation from one.
public enum LayerArchive {
    /// Extracts `tarball` (gzip or plain tar, detected) into the existing `directory`.
    ///
    /// Nothing is ever written outside `directory`: names climbing out with `..`, paths through
    /// symbolic links that lead out, hardlinks to targets outside the layer, device nodes other
    /// than whiteouts (unless `limits.deviceNodes` is `.skip`) and archives beyond `limits` are
    /// refused with an error naming the entry (code `.unsafeArchive`). Absolute names are made
    /// relative first, as tar does. `.wh.NAME` becomes an overlayfs whiteout (character device
    /// 0/0) and `.wh..wh..opq` marks its directory `trusted.overlay.opaque=y`. Modes, owners,
    /// mtimes, extended attributes and hardlinks are preserved.
    /// With `sync` false the files are not synced: the caller must `syncfs` before publishing them.
    public static func extract(
        tarball: String, into directory: String, limits: ExtractionLimits = .default, sync: Bool = true
    ) throws(ImageError) {
        let extractor = try LayerExtractor(rootPath: directory, limits: limits)
        try extractor.extract(tarball: tarball, sync: sync)
    }

    /// Extracts `tarball` as `extract` does (without syncing) and, in the same pass, writes the
    /// entries it unpacked as a layer at `layerPath`: the input is read once, and the layer's
    /// gzip runs on the other cores while this one unpacks.
    static func extract(
        tarball: String, into directory: String, limits: ExtractionLimits, writingLayer layerPath: String,
        options: LayerWriter.Options
    ) throws(ImageError) -> LayerBlob {
        let layer = try LayerWriter(streamingTo: layerPath, options: options)
        let extractor = try LayerExtractor(rootPath: directory, limits: limits, layerCopy: layer)
        try extractor.extract(tarball: tarball, sync: false)
        return try layer.finish()
    }

    /// Writes `directory` as a gzip tar at `tarballGz` and returns its diff id (`sha256:` of the
    /// uncompressed tar), digest (`sha256:` of the gzip file) and the gzip file's size.
    ///
    /// The output depends only on the tree: entries are sorted and the gzip header has no time;
    /// with `SOURCE_DATE_EPOCH` set, later modification times are clamped to it.
    /// Overlay whiteouts (character devices 0/0, opaque directories) become OCI `.wh.` entries.
    public static func create(from directory: String, to tarballGz: String) throws(ImageError) -> (
        diffID: String, digest: String, size: Int64
    ) {
        let blob = try writeLayer(from: directory, to: tarballGz)
        return (blob.diffID, blob.digest, blob.size)
    }

    static func writeLayer(
        from directory: String, to tarballGz: String,
        options: LayerWriter.Options = LayerWriter.Options()
    ) throws(ImageError) -> LayerBlob {
        try LayerWriter(source: directory, output: tarballGz, options: options).write()
    }
}
