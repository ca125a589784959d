/// Media types of the OCI image specification used by the store.
enum OCIMediaType {
    static let index = "application/vnd.oci.image.index.v1+json"
    static let manifest = "application/vnd.oci.image.manifest.v1+json"
    static let config = "application/vnd.oci.image.config.v1+json"
    static let layerGzip = "application/vnd.oci.image.layer.v1.tar+gzip"
    static let layerTar = "application/vnd.oci.image.layer.v1.tar"
    static let layerZstd = "application/vnd.oci.image.layer.v1.tar+zstd"
    static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    static let dockerLayerTar = "application/vnd.docker.image.rootfs.diff.tar"
}

/// Annotation keys the store reads and writes.
enum OCIAnnotation {
    /// The `name:tag` a manifest is known by in `index.json`.
    static let referenceName = "org.opencontainers.image.ref.name"
    /// Uncompressed size of a layer, so `image ls` needs no decompression.
    static let uncompressedSize = "io.swiftstack.layer.uncompressed-size"
    /// Summary of an image on its `index.json` entry, so `image ls` reads one file.
    static let created = "org.opencontainers.image.created"
    static let imageID = "io.swiftstack.image.id"
    static let imageSize = "io.swiftstack.image.size"
    /// The full `name:tag` in archives Docker and containerd write (`ref.name` is then the tag alone).
    static let containerdImageName = "io.containerd.image.name"
    /// On a tagged index entry: the manifest came byte for byte from an archive that named it
    /// so, so its digest is the one the image's source knows (`image inspect`'s `RepoDigests`).
    static let repoDigest = "io.swiftstack.image.repo-digest"
}
