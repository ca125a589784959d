/// One step of an image's history, as the OCI config's `history` array records it.
///
/// A step that changed only the config (`ENV`, `CMD`, …) has `emptyLayer` set and no layer of
/// its own; every other step matches the next layer, in order.
public struct HistoryEntry: Sendable, Equatable, Codable {
    /// RFC 3339 time of the step; `nil` lets the store fill in now (or `SOURCE_DATE_EPOCH`).
    public var created: String?
    /// The command that made the step, for example `/bin/sh -c apt-get install -y curl`.
    public var createdBy: String?
    public var author: String?
    public var comment: String?
    /// `true` for a step that added no layer.
    public var emptyLayer: Bool?

    public init(
        created: String? = nil, createdBy: String? = nil, author: String? = nil, comment: String? = nil,
        emptyLayer: Bool? = nil
    ) {
        self.created = created
        self.createdBy = createdBy
        self.author = author
        self.comment = comment
        self.emptyLayer = emptyLayer
    }

    /// Whether the step added a layer.
    public var addsLayer: Bool { emptyLayer != true }

    enum CodingKeys: String, CodingKey {
        case created
        case createdBy = "created_by"
        case author
        case comment
        case emptyLayer = "empty_layer"
    }
}
