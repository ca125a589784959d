/// An OCI image configuration blob (`application/vnd.oci.image.config.v1+json`).
struct OCIImageConfiguration: Codable, Equatable, Sendable {
    var created: String?
    var author: String?
    var architecture: String
    var os: String
    var config: ImageConfig?
    var rootfs: RootFS
    var history: [HistoryEntry]?

    struct RootFS: Codable, Equatable, Sendable {
        var type: String = "layers"
        var diffIDs: [String]

        enum CodingKeys: String, CodingKey {
            case type
            case diffIDs = "diff_ids"
        }
    }
}
