extension ImageStore {
    /// Finds an image by `name` or `name:tag` (tag `latest` by default), full id `sha256:<hex>`,
    /// or a unique id prefix of at least 4 hex digits (with or without `sha256:`).
    public func image(_ reference: String) throws(ImageError) -> Image {
        let index = try readIndex()
        return try loadImage(manifestDigest: try resolve(reference, in: index), index: index)
    }

    /// Every image, newest first; an image with several tags appears once.
    public func list() throws(ImageError) -> [Image] {
        let index = try readIndex()
        var seen = Set<String>()
        var images = [Image]()
        for descriptor in index.manifests where seen.insert(descriptor.digest).inserted {
            images.append(try loadImage(manifestDigest: descriptor.digest, index: index))
        }
        return images.sorted { ($0.created, $0.id) > ($1.created, $1.id) }
    }

    /// Every image as `image ls` shows it, newest first, from `index.json` alone (entries the
    /// store wrote carry a summary; others are read from their blobs).
    public func summaries() throws(ImageError) -> [ImageSummary] {
        let index = try readIndex()
        var byDigest = [String: ImageSummary]()
        var order = [String]()
        for descriptor in index.manifests {
            if var known = byDigest[descriptor.digest] {
                if let name = descriptor.referenceName { known.references.append(name) }
                byDigest[descriptor.digest] = known
                continue
            }
            order.append(descriptor.digest)
            if let annotations = descriptor.annotations, let id = annotations[OCIAnnotation.imageID],
                let size = annotations[OCIAnnotation.imageSize].flatMap({ Int64($0) }),
                let created = annotations[OCIAnnotation.created]
            {
                byDigest[descriptor.digest] = ImageSummary(
                    id: id, references: descriptor.referenceName.map { [$0] } ?? [],
                    size: size, created: created)
            } else {
                byDigest[descriptor.digest] = ImageSummary(
                    try loadImage(manifestDigest: descriptor.digest, index: index))
            }
        }
        return order.compactMap { digest in
            guard var summary = byDigest[digest] else { return nil }
            summary.references = Array(Set(summary.references)).sorted()
            return summary
        }.sorted { ($0.created, $0.id) > ($1.created, $1.id) }
    }

    /// The manifest digest `reference` names in `index`.
    func resolve(_ reference: String, in index: OCIIndex) throws(ImageError) -> String {
        let hexCandidate = reference.hasPrefix("sha256:") ? String(reference.dropFirst(7)) : reference
        let looksLikeID =
            hexCandidate.utf8.count >= 4 && hexCandidate.utf8.count <= 64
            && hexCandidate.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
        if !reference.hasPrefix("sha256:"), let parsed = try? ImageReference(parsing: reference),
            let match = index.manifests.first(where: { $0.referenceName == parsed.description })
        {
            return match.digest
        }
        guard looksLikeID else {
            if reference.hasPrefix("sha256:") {
                throw ImageError(
                    .invalidReference,
                    "invalid image id '\(reference)': expected sha256: and 4 to 64 lowercase hex digits")
            }
            let parsed = try ImageReference(parsing: reference)
            throw ImageError(
                .notFound,
                "no such image: \(parsed); `swiftstack image ls` lists the images, `swiftstack image import FILE \(parsed)` adds one"
            )
        }
        // An id is the config digest: read each manifest to find it.
        var matches = Set<String>()
        for digest in Set(index.manifests.map(\.digest)) {
            let manifest = try blobs.readJSON(OCIManifest.self, digest)
            if manifest.config.digest.dropFirst(7).hasPrefix(hexCandidate) { matches.insert(digest) }
        }
        guard matches.count <= 1 else {
            throw ImageError(
                .invalidReference,
                "image id prefix '\(reference)' is ambiguous: it matches \(matches.count) images; give more digits")
        }
        guard let match = matches.first else {
            throw ImageError(.notFound, "no such image: \(reference); `swiftstack image ls` lists the images")
        }
        return match
    }

    /// Reads a manifest and its config into an `Image`, with every tag `index` gives it.
    func loadImage(manifestDigest: String, index: OCIIndex) throws(ImageError) -> Image {
        let manifest = try blobs.readJSON(OCIManifest.self, manifestDigest)
        let configuration = try blobs.readJSON(OCIImageConfiguration.self, manifest.config.digest)
        guard configuration.rootfs.diffIDs.count == manifest.layers.count else {
            throw ImageError(
                .corrupt,
                "image \(manifest.config.digest): its config lists \(configuration.rootfs.diffIDs.count) layers but its manifest \(manifest.layers.count)"
            )
        }
        let references = index.manifests.filter { $0.digest == manifestDigest }.compactMap(\.referenceName).sorted()
        let size = manifest.layers.reduce(Int64(0)) { total, layer in
            total + (layer.annotations?[OCIAnnotation.uncompressedSize].flatMap { Int64($0) } ?? layer.size)
        }
        // Only names whose manifest digest is known from the image's source (an archive with
        // the manifest and the name); images made here have none, as in Docker.
        let repoDigests = Set(
            index.manifests.filter {
                $0.digest == manifestDigest && $0.annotations?[OCIAnnotation.repoDigest] == "true"
            }
            .compactMap(\.referenceName).compactMap { try? ImageReference(parsing: $0).name + "@" + manifestDigest })
        return Image(
            id: manifest.config.digest, references: references, size: size, created: configuration.created ?? "",
            config: configuration.config ?? ImageConfig(), diffIDs: configuration.rootfs.diffIDs,
            manifestDigest: manifestDigest, architecture: configuration.architecture, os: configuration.os,
            history: configuration.history ?? [], repoDigests: repoDigests.sorted()
        )
    }
}
