/// An OCI image manifest: one config and the layers, lowest first.
struct OCIManifest: Codable, Equatable, Sendable {
    var schemaVersion: Int = 2
    var mediaType: String? = OCIMediaType.manifest
    var config: OCIDescriptor
    var layers: [OCIDescriptor]
    var annotations: [String: String]?
}
