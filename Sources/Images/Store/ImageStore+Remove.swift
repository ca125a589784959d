import Glibc

extension ImageStore {
    /// Removes a tag (`name` or `name:tag`), or a whole image by id or unique id prefix (all its
    /// tags). When no tag is left, the image's manifest, config and the layer blobs and
    /// snapshots that no other image uses are deleted.
    ///
    /// The index is rewritten before anything is deleted, so a crash can leave unreferenced
    /// blobs behind (the next removal collects them) but never an image whose content is gone.
    public func remove(_ reference: String) throws(ImageError) {
        try StoreLock.withExclusive(lockPath) { () throws(ImageError) in
            var index = try readIndex()
            let digest = try resolve(reference, in: index)
            let tag = (try? ImageReference(parsing: reference))?.description
            if let tag, !reference.hasPrefix("sha256:"), index.manifests.contains(where: { $0.referenceName == tag }) {
                index.manifests.removeAll { $0.referenceName == tag }
            } else {
                index.manifests.removeAll { $0.digest == digest }
            }
            try writeIndex(index)
            if !index.manifests.contains(where: { $0.digest == digest }) {
                _ = try collectUnreferenced(index: index)
            }
        }
    }

    /// Deletes every blob and snapshot that no image in the index uses (left by removals or by
    /// imports that crashed after writing content but before tagging it). Returns how many
    /// blobs and snapshots went.
    @discardableResult
    public func collectGarbage() throws(ImageError) -> (blobs: Int, snapshots: Int) {
        try StoreLock.withExclusive(lockPath) { () throws(ImageError) -> (blobs: Int, snapshots: Int) in
            try collectUnreferenced(index: try readIndex())
        }
    }

    /// Callers hold the store lock: imports write content and tag it under the same lock, so
    /// nothing in flight is mistaken for garbage.
    private func collectUnreferenced(index: OCIIndex) throws(ImageError) -> (blobs: Int, snapshots: Int) {
        var usedBlobs = Set<String>()
        var usedSnapshots = Set<String>()
        for digest in Set(index.manifests.map(\.digest)) {
            let manifest = try blobs.readJSON(OCIManifest.self, digest)
            usedBlobs.insert(try BlobStore.hex(of: digest))
            usedBlobs.insert(try BlobStore.hex(of: manifest.config.digest))
            for layer in manifest.layers { usedBlobs.insert(try BlobStore.hex(of: layer.digest)) }
            let configuration = try blobs.readJSON(OCIImageConfiguration.self, manifest.config.digest)
            for chainID in try Self.chainIDs(configuration.rootfs.diffIDs) { usedSnapshots.insert(try BlobStore.hex(of: chainID)) }
        }
        var removedBlobs = 0
        for name in try FileSystem.entries(ofDirectoryAt: blobs.directory) where !usedBlobs.contains(name) {
            try FileSystem.removeTree(blobs.directory + "/" + name)
            removedBlobs += 1
        }
        var removedSnapshots = 0
        for name in try FileSystem.entries(ofDirectoryAt: snapshotsDirectory) where !usedSnapshots.contains(name) {
            try removeSnapshot(named: name)
            removedSnapshots += 1
        }
        return (removedBlobs, removedSnapshots)
    }

    /// Moves the snapshot into `tmp/` first, so it disappears atomically, then deletes it.
    private func removeSnapshot(named name: String) throws(ImageError) {
        let path = snapshotsDirectory + "/" + name
        let trash = try temporary.makeDirectory(purpose: "remove")
        defer { trash.discard() }
        guard rename(path, trash.path + "/snapshot") == 0 else {
            throw ImageError(.io, "cannot remove snapshot \(path): \(Errno.text(errno))")
        }
        try FileSystem.removeTree(trash.path + "/snapshot")
    }
}
