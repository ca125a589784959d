import Digest
import Glibc

extension ImageStore {
    /// The unpacked rootfs directory of each layer of `image`, LOWEST layer first (overlayfs
    /// wants them the other way round in `lowerdir=`). Snapshots missing from disk are unpacked
    /// from their blobs first.
    public func layerDirectories(of image: Image) throws(ImageError) -> [String] {
        let chainIDs = try Self.chainIDs(image.diffIDs)
        var directories = [String]()
        var manifest: OCIManifest?
        for (position, chainID) in chainIDs.enumerated() {
            let directory = try snapshotPath(chainID) + "/rootfs"
            if !FileSystem.isDirectory(directory) {
                if manifest == nil { manifest = try blobs.readJSON(OCIManifest.self, image.manifestDigest) }
                guard let manifest, position < manifest.layers.count else {
                    throw ImageError(.corrupt, "image \(image.id): its manifest has fewer layers than its config")
                }
                try unpackSnapshot(layer: manifest.layers[position], chainID: chainID)
            }
            directories.append(directory)
        }
        return directories
    }

    /// OCI chain ids: the first is the first diff id; each next one is
    /// `sha256(previous chain id + " " + diff id)`, so a snapshot is named by its whole stack.
    static func chainIDs(_ diffIDs: [String]) throws(ImageError) -> [String] {
        var result = [String]()
        for diffID in diffIDs {
            _ = try BlobStore.hex(of: diffID)
            if let previous = result.last {
                result.append("sha256:" + SHA256.hex(previous + " " + diffID))
            } else {
                result.append(diffID)
            }
        }
        return result
    }

    func snapshotPath(_ chainID: String) throws(ImageError) -> String {
        "\(snapshotsDirectory)/\(try BlobStore.hex(of: chainID))"
    }

    /// Renames a finished snapshot directory (holding `rootfs/`) into place, unless an identical
    /// one is already there. Callers hold the store lock.
    func commitSnapshot(_ directory: String, chainID: String) throws(ImageError) {
        let target = try snapshotPath(chainID)
        if FileSystem.isDirectory(target + "/rootfs") { return }
        guard rename(directory, target) == 0 else {
            throw ImageError(.io, "cannot move snapshot \(directory) to \(target): \(Errno.text(errno))")
        }
        try FileSystem.syncDirectory(snapshotsDirectory)
    }

    private func unpackSnapshot(layer: OCIDescriptor, chainID: String) throws(ImageError) {
        let work = try temporary.makeDirectory(purpose: "unpack")
        defer { work.discard() }
        let snapshot = work.path + "/snapshot"
        try FileSystem.makeDirectories(snapshot + "/rootfs", mode: 0o755)
        let blobPath = try blobs.path(of: layer.digest)
        guard FileSystem.exists(blobPath) else {
            throw ImageError(
                .corrupt,
                "layer blob \(layer.digest) is missing from \(blobs.directory); remove the image and import it again")
        }
        try LayerArchive.extract(tarball: blobPath, into: snapshot + "/rootfs", limits: extractionLimits)
        try StoreLock.withExclusive(lockPath) { () throws(ImageError) in
            try commitSnapshot(snapshot, chainID: chainID)
        }
    }
}

extension ImageStore {
    /// Ids of the images whose top layer directory is one of `directories`: what a container
    /// records as its lower directories (`layerDirectories(of:)`, lowest first) names its image
    /// even when the image's tags have moved on. Nothing is unpacked.
    public func imageIDs(withTopLayerDirectoryIn directories: Set<String>) throws(ImageError) -> Set<String> {
        guard !directories.isEmpty else { return [] }
        var ids = Set<String>()
        for image in try list() {
            guard let top = try Self.chainIDs(image.diffIDs).last else { continue }
            if directories.contains(try snapshotPath(top) + "/rootfs") { ids.insert(image.id) }
        }
        return ids
    }
}
