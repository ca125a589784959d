/// What `swiftstack build` (or the orchestrator) asks the builder for.
public struct BuildOptions: Sendable {
    /// The build context directory: COPY/ADD read only inside it.
    public var contextDirectory: String
    /// The Dockerfile; nil means `<context>/Dockerfile`.
    public var dockerfile: String?
    /// `name:tag` references the result is tagged with.
    public var tags: [String]
    /// `--target`: the stage to build; nil builds the last one.
    public var target: String?
    /// `--build-arg NAME=VALUE`.
    public var buildArguments: [String: String]
    /// `--no-cache`: run every step, and record the new results for later builds.
    public var noCache: Bool
    /// `--label` (and Compose's `build.labels`): added to the built image's labels last.
    public var labels: [String: String]

    public init(
        contextDirectory: String, dockerfile: String? = nil, tags: [String] = [], target: String? = nil,
        buildArguments: [String: String] = [:], noCache: Bool = false, labels: [String: String] = [:]
    ) {
        self.contextDirectory = contextDirectory
        self.dockerfile = dockerfile
        self.tags = tags
        self.target = target
        self.buildArguments = buildArguments
        self.noCache = noCache
        self.labels = labels
    }
}

/// The outcome of a build.
public struct BuildResult: Sendable {
    /// `sha256:<hex>` of the built image's config: its id.
    public var imageID: String
    /// The manifest digest (what `image save` would publish).
    public var manifestDigest: String
    /// Steps executed and steps answered from the cache.
    public var executedSteps: Int
    public var cachedSteps: Int
    /// Warnings (unused build arguments, `--platform` ignored, …).
    public var warnings: [String]
}
