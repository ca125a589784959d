/// One image of a `docker save` archive's `manifest.json`: paths inside the archive.
struct DockerArchiveManifest: Codable, Equatable, Sendable {
    /// The config JSON: `<hex>.json` (old layout) or `blobs/sha256/<hex>` (Docker 25 and later).
    var config: String
    var repoTags: [String]?
    /// Uncompressed layer tars, lowest first: `<id>/layer.tar` or `blobs/sha256/<hex>`.
    var layers: [String]

    enum CodingKeys: String, CodingKey {
        case config = "Config"
        case repoTags = "RepoTags"
        case layers = "Layers"
    }
}
