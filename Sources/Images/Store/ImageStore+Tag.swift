extension ImageStore {
    /// Points `target` (`NAME[:TAG]`) at the image `source` names (reference, id or id prefix),
    /// as `docker tag`. An image `target` named before keeps its content, untagged when no
    /// other tag names it.
    @discardableResult
    public func tag(_ source: String, as target: String) throws(ImageError) -> Image {
        let targetReference = try ImageReference(parsing: target)
        return try StoreLock.withExclusive(lockPath) { () throws(ImageError) -> Image in
            var index = try readIndex()
            let digest = try resolve(source, in: index)
            guard var descriptor = index.manifests.first(where: { $0.digest == digest }) else {
                throw ImageError(.notFound, "no such image: \(source)")
            }
            descriptor.removeReferenceName()
            index.tag(targetReference, manifest: descriptor)
            try writeIndex(index)
            return try loadImage(manifestDigest: digest, index: index)
        }
    }
}
