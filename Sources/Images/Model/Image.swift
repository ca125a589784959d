/// An image in the store: its identity, names, runtime defaults and layers.
public struct Image: Sendable, Equatable {
    /// `sha256:<hex>` of the image's config blob, as Docker reports image ids.
    public var id: String
    /// `name:tag` references pointing at this image, sorted; empty for a dangling image.
    public var references: [String]
    /// Uncompressed size of all layers in bytes (what `docker image ls` shows).
    public var size: Int64
    /// RFC 3339 creation time from the config.
    public var created: String
    public var config: ImageConfig
    /// `sha256:<hex>` of each uncompressed layer tar, lowest layer first.
    public var diffIDs: [String]
    /// `sha256:<hex>` of the manifest blob.
    public var manifestDigest: String
    /// OCI architecture, for example `amd64`.
    public var architecture: String
    /// OCI operating system, `linux`.
    public var os: String
    /// The steps that made the image, oldest first (the config's `history`).
    public var history: [HistoryEntry]
    /// `NAME@sha256:<manifest>` for each name under which the image was loaded from an OCI
    /// archive, whose manifest is kept byte for byte, so the digest is the one its source knows.
    /// Empty for images made here (import, build, commit) and for those loaded from a Docker
    /// archive (`manifest.json`), whose manifest the store makes. Docker fills it for pulled
    /// images only; we have no registry, and a named OCI archive is the nearest equivalent.
    public var repoDigests: [String]

    public init(
        id: String, references: [String], size: Int64, created: String, config: ImageConfig,
        diffIDs: [String], manifestDigest: String, architecture: String = "amd64", os: String = "linux",
        history: [HistoryEntry] = [], repoDigests: [String] = []
    ) {
        self.id = id
        self.references = references
        self.size = size
        self.created = created
        self.config = config
        self.diffIDs = diffIDs
        self.manifestDigest = manifestDigest
        self.architecture = architecture
        self.os = os
        self.history = history
        self.repoDigests = repoDigests
    }

    /// The first 12 hex digits of the id, as `docker image ls` shows it.
    public var shortID: String { String(id.dropFirst("sha256:".count).prefix(12)) }
}

extension Image {
    /// `created` as seconds since the epoch, when it parses.
    public var createdEpochSeconds: Int? { Timestamp.parse(created) }
}
