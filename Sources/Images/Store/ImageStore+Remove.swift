import Glibc

extension ImageStore {
    /// Removes a tag (`name` or `name:tag`), or a whole image by id or unique id prefix (all its
    /// tags). When no tag is left, the image's manifest, config and the layer blobs and
    /// snapshots that no other image uses are deleted.
    ///
    /// The index is rewritten before anything is deleted, so a crash can leave unreferenced
    /// blobs behind but never an image whose content is gone.
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
                try collect(manifestDigest: digest, remaining: index)
            }
        }
    }

    /// Deletes what only the removed manifest used. Callers hold the store lock.
    private func collect(manifestDigest: String, remaining index: OCIIndex) throws(ImageError) {
        let manifest = try blobs.readJSON(OCIManifest.self, manifestDigest)
        let configuration = try? blobs.readJSON(OCIImageConfiguration.self, manifest.config.digest)
        var usedBlobs = Set<String>()
        var usedChainIDs = Set<String>()
        for digest in Set(index.manifests.map(\.digest)) {
            let other = try blobs.readJSON(OCIManifest.self, digest)
            usedBlobs.insert(digest)
            usedBlobs.insert(other.config.digest)
            usedBlobs.formUnion(other.layers.map(\.digest))
            let otherConfiguration = try blobs.readJSON(OCIImageConfiguration.self, other.config.digest)
            usedChainIDs.formUnion(try Self.chainIDs(otherConfiguration.rootfs.diffIDs))
        }
        for digest in [manifestDigest, manifest.config.digest] + manifest.layers.map(\.digest) where !usedBlobs.contains(digest) {
            try blobs.remove(digest)
        }
        for chainID in try Self.chainIDs(configuration?.rootfs.diffIDs ?? []) where !usedChainIDs.contains(chainID) {
            try removeSnapshot(chainID)
        }
    }

    /// Moves the snapshot into `tmp/` first, so it disappears atomically, then deletes it.
    private func removeSnapshot(_ chainID: String) throws(ImageError) {
        let path = try snapshotPath(chainID)
        guard FileSystem.exists(path) else { return }
        let trash = try temporary.makeDirectory(purpose: "remove")
        defer { trash.discard() }
        guard rename(path, trash.path + "/snapshot") == 0 else {
            throw ImageError(.io, "cannot remove snapshot \(path): \(Errno.text(errno))")
        }
        try FileSystem.removeTree(trash.path + "/snapshot")
    }
}
