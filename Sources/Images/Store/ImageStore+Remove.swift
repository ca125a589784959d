import Glibc

/// What a removal or prune did, in the order `docker image rm` reports it.
public struct ImageRemoval: Sendable, Equatable {
    /// `name:tag` references that were removed.
    public var untagged: [String] = []
    /// Ids (`sha256:…`) of images whose content went.
    public var deleted: [String] = []
    /// Bytes of blobs and snapshots freed (an estimate: blob sizes plus layer sizes).
    public var reclaimedBytes: Int64 = 0

    public init(untagged: [String] = [], deleted: [String] = [], reclaimedBytes: Int64 = 0) {
        self.untagged = untagged
        self.deleted = deleted
        self.reclaimedBytes = reclaimedBytes
    }
}

extension ImageStore {
    /// Removes a tag (`name` or `name:tag`), or a whole image by id or unique id prefix (all its
    /// tags). When no tag is left, the image's manifest, config and the layer blobs and
    /// snapshots that no other image uses are deleted.
    ///
    /// `inUse` holds the ids of images containers use (the caller knows its containers). Such
    /// an image is not deleted: without `force` the call fails with `.conflict`; with `force`
    /// its tags go but its content stays, untagged, until the container is gone and a prune
    /// collects it, so a snapshot under a container's overlay never disappears. Removing by id
    /// an image that has several tags also needs `force`, as in Docker.
    ///
    /// The index is rewritten before anything is deleted, so a crash can leave unreferenced
    /// blobs behind (the next removal collects them) but never an image whose content is gone.
    @discardableResult
    public func remove(_ reference: String, force: Bool = false, inUse: Set<String> = []) throws(ImageError)
        -> ImageRemoval
    {
        try StoreLock.withExclusive(lockPath) { () throws(ImageError) -> ImageRemoval in
            var index = try readIndex()
            let digest = try resolve(reference, in: index)
            let id = try blobs.readJSON(OCIManifest.self, digest).config.digest
            let tags = index.manifests.filter { $0.digest == digest }.compactMap(\.referenceName).sorted()
            let tag = reference.hasPrefix("sha256:") ? nil : (try? ImageReference(parsing: reference))?.description
            var removal = ImageRemoval()
            if let tag, tags.contains(tag), tags.count > 1 {
                index.manifests.removeAll { $0.referenceName == tag }
                try writeIndex(index)
                return ImageRemoval(untagged: [tag])
            }
            let byID = tag == nil || !tags.contains(tag!)
            if byID && tags.count > 1 && !force {
                throw ImageError(
                    .conflict,
                    "cannot remove image \(Self.short(id)): it is tagged \(tags.joined(separator: ", ")); remove the tags one by one, or pass -f to remove them all"
                )
            }
            if inUse.contains(id) {
                guard force else {
                    throw ImageError(
                        .conflict,
                        "cannot remove image \(tags.first ?? Self.short(id)) (\(Self.short(id))): a container uses it; remove the container first, or pass -f to untag it (its content stays until the container is gone)"
                    )
                }
                guard var kept = index.manifests.first(where: { $0.digest == digest }) else {
                    throw ImageError(.notFound, "no such image: \(reference)")
                }
                kept.removeReferenceName()
                index.manifests.removeAll { $0.digest == digest }
                index.manifests.append(kept)
                try writeIndex(index)
                return ImageRemoval(untagged: tags)
            }
            index.manifests.removeAll { $0.digest == digest }
            try writeIndex(index)
            removal.untagged = tags
            removal.deleted = [id]
            removal.reclaimedBytes = try collectUnreferenced(index: index).bytes
            return removal
        }
    }

    /// Removes dangling (untagged) images, or with `all` every image no container uses
    /// (`inUse`: image ids), then the content nothing needs any more. Returns what went.
    @discardableResult
    public func prune(all: Bool = false, inUse: Set<String> = []) throws(ImageError) -> ImageRemoval {
        try StoreLock.withExclusive(lockPath) { () throws(ImageError) -> ImageRemoval in
            var index = try readIndex()
            var removal = ImageRemoval()
            var doomed = Set<String>()
            for digest in Set(index.manifests.map(\.digest)) {
                let entries = index.manifests.filter { $0.digest == digest }
                let tagged = entries.contains { $0.referenceName != nil }
                guard all || !tagged else { continue }
                let id = try blobs.readJSON(OCIManifest.self, digest).config.digest
                guard !inUse.contains(id) else { continue }
                doomed.insert(digest)
                removal.untagged += entries.compactMap(\.referenceName)
                removal.deleted.append(id)
            }
            guard !doomed.isEmpty else { return removal }
            index.manifests.removeAll { doomed.contains($0.digest) }
            try writeIndex(index)
            removal.untagged.sort()
            removal.deleted.sort()
            removal.reclaimedBytes = try collectUnreferenced(index: index).bytes
            return removal
        }
    }

    /// Deletes every blob and snapshot that no image in the index uses (left by removals or by
    /// imports that crashed after writing content but before tagging it). Returns how many
    /// blobs and snapshots went.
    @discardableResult
    public func collectGarbage() throws(ImageError) -> (blobs: Int, snapshots: Int) {
        try StoreLock.withExclusive(lockPath) { () throws(ImageError) -> (blobs: Int, snapshots: Int) in
            let collected = try collectUnreferenced(index: try readIndex())
            return (collected.blobs, collected.snapshots)
        }
    }

    static func short(_ id: String) -> String { String(id.dropFirst("sha256:".count).prefix(12)) }

    /// Callers hold the store lock: imports write content and tag it under the same lock, so
    /// nothing in flight is mistaken for garbage.
    func collectUnreferenced(index: OCIIndex) throws(ImageError) -> (blobs: Int, snapshots: Int, bytes: Int64) {
        var usedBlobs = Set<String>()
        var usedSnapshots = Set<String>()
        for digest in Set(index.manifests.map(\.digest)) {
            let manifest = try blobs.readJSON(OCIManifest.self, digest)
            usedBlobs.insert(try BlobStore.hex(of: digest))
            usedBlobs.insert(try BlobStore.hex(of: manifest.config.digest))
            for layer in manifest.layers { usedBlobs.insert(try BlobStore.hex(of: layer.digest)) }
            let configuration = try blobs.readJSON(OCIImageConfiguration.self, manifest.config.digest)
            for chainID in try Self.chainIDs(configuration.rootfs.diffIDs) {
                usedSnapshots.insert(try BlobStore.hex(of: chainID))
            }
        }
        var removedBlobs = 0
        var bytes: Int64 = 0
        for name in try FileSystem.entries(ofDirectoryAt: blobs.directory) where !usedBlobs.contains(name) {
            var info = stat()
            if lstat(blobs.directory + "/" + name, &info) == 0 { bytes += Int64(info.st_size) }
            try FileSystem.removeTree(blobs.directory + "/" + name)
            removedBlobs += 1
        }
        var removedSnapshots = 0
        for name in try FileSystem.entries(ofDirectoryAt: snapshotsDirectory) where !usedSnapshots.contains(name) {
            try removeSnapshot(named: name)
            removedSnapshots += 1
        }
        return (removedBlobs, removedSnapshots, bytes)
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
