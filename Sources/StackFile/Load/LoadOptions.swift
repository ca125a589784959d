/// What ``StackLoader/load(_:)`` reads, as the CLI's `-f`, `-p`, `--env-file` and
/// `--project-directory` options give it.
public struct LoadOptions: Sendable {
    /// Stack files in merge order; empty: discover `compose.yaml` & co. in the working directory.
    public var files: [String]
    /// `-p`: overrides `COMPOSE_PROJECT_NAME`, the file's `name:` and the directory name.
    public var projectName: String?
    /// The directory the user works in: relative `-f` and `--env-file` paths start here, and
    /// discovery looks here.
    public var workingDirectory: String
    /// `--project-directory`: where relative paths in the files start and where `.env` is read.
    /// `nil`: the first file's directory, as Compose does.
    public var projectDirectory: String?
    /// The process environment; wins over `.env` and `--env-file` values.
    public var environment: [String: String]
    /// `--env-file`: read instead of the project directory's `.env`.
    public var envFiles: [String]
    /// Active profiles (`--profile`), added to `COMPOSE_PROFILES` from the environment. A service
    /// that lists `profiles:` is loaded only when one of them is active (`*` activates all).
    public var profiles: [String]

    public init(
        files: [String] = [], projectName: String? = nil, workingDirectory: String,
        environment: [String: String] = [:], envFiles: [String] = [], projectDirectory: String? = nil,
        profiles: [String] = []
    ) {
        self.profiles = profiles
        self.files = files
        self.projectName = projectName
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.envFiles = envFiles
        self.projectDirectory = projectDirectory
    }
}
