/// One row of `image history`: a step of the image, newest first.
public struct ImageHistoryItem: Sendable, Equatable {
    /// The image id on the newest row, `nil` (Docker prints `<missing>`) on the others.
    public var imageID: String?
    public var created: String?
    public var createdBy: String
    public var comment: String
    /// Uncompressed size of the step's layer; 0 for a step without one.
    public var size: Int64
    /// The step's layer diff id; `nil` for a config-only step.
    public var diffID: String?

    public init(imageID: String?, created: String?, createdBy: String, comment: String, size: Int64, diffID: String?) {
        self.imageID = imageID
        self.created = created
        self.createdBy = createdBy
        self.comment = comment
        self.size = size
        self.diffID = diffID
    }

    /// `created` as seconds since the epoch, when it parses.
    public var createdEpochSeconds: Int? { created.flatMap(Timestamp.parse) }
}
