/// What `image ls` shows of an image: read from `index.json` alone.
public struct ImageSummary: Sendable, Equatable {
    /// `sha256:<hex>` of the config blob.
    public var id: String
    /// `name:tag` references, sorted; empty for a dangling image.
    public var references: [String]
    /// Uncompressed size of all layers in bytes.
    public var size: Int64
    /// RFC 3339 creation time.
    public var created: String

    public init(id: String, references: [String], size: Int64, created: String) {
        self.id = id
        self.references = references
        self.size = size
        self.created = created
    }

    public init(_ image: Image) {
        self.init(id: image.id, references: image.references, size: image.size, created: image.created)
    }

    /// The first 12 hex digits of the id.
    public var shortID: String { String(id.dropFirst("sha256:".count).prefix(12)) }

    /// `created` as seconds since the epoch, when it parses.
    public var createdEpochSeconds: Int? { Timestamp.parse(created) }
}
