/// The archive formats of `image save` and `image load`.
public enum ImageArchiveFormat: String, Sendable, CaseIterable {
    /// An OCI image layout in a tar: `oci-layout`, `index.json`, `blobs/sha256/…` (layers as stored, gzip).
    case oci
    /// `docker save`'s format: `manifest.json` naming the config and uncompressed layer tars.
    case docker
}
