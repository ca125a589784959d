/// The OCI image layout's `index.json`: every manifest the store holds, tags as annotations.
///
/// A manifest known by several tags appears once per tag; a dangling (untagged) image appears
/// once without a reference-name annotation.
struct OCIIndex: Codable, Equatable, Sendable {
    var schemaVersion: Int = 2
    var mediaType: String? = OCIMediaType.index
    var manifests: [OCIDescriptor] = []
    var annotations: [String: String]?
}
