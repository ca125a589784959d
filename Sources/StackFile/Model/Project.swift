/// A loaded, interpolated, merged and normalised stack file: what `swiftstack config` prints.
///
/// Every collection is in long syntax with defaults filled, so two files that mean the
/// same thing produce equal projects.
public struct Project: Sendable, Equatable {
    /// Project name, normalised to `[a-z0-9_-]`.
    public var name: String
    /// The directory relative paths are resolved against (the first file's directory).
    public var workingDirectory: String
    /// The stack files merged into this project, in order.
    public var files: [String]
    public var services: [String: Service]
    public var networks: [String: Network]
    public var volumes: [String: Volume]
    /// Where each value came from.
    public var sourceMap: SourceMap

    public init(
        name: String, workingDirectory: String, files: [String] = [],
        services: [String: Service] = [:], networks: [String: Network] = [:],
        volumes: [String: Volume] = [:], sourceMap: SourceMap = SourceMap()
    ) {
        self.name = name
        self.workingDirectory = workingDirectory
        self.files = files
        self.services = services
        self.networks = networks
        self.volumes = volumes
        self.sourceMap = sourceMap
    }

    /// Service names in a stable order (sorted).
    public var serviceNames: [String] { services.keys.sorted() }
}
