/// An OCI content descriptor: what a blob is, its digest and size.
struct OCIDescriptor: Codable, Equatable, Sendable {
    var mediaType: String
    var digest: String
    var size: Int64
    var annotations: [String: String]?
    var platform: OCIPlatform?
}

/// The platform of a manifest in an index.
struct OCIPlatform: Codable, Equatable, Sendable {
    var architecture: String
    var os: String
}
