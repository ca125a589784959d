import ArgumentParser

/// Options of every command that reads a stack file (Compose's names).
struct StackOptions: ParsableArguments {
    @Option(name: [.short, .customLong("file")], help: "Stack file (repeatable; later files override earlier ones).")
    var files: [String] = []

    @Option(
        name: [.short, .customLong("project-name")],
        help: "Project name (default: the file's `name:`, else its directory).")
    var projectName: String?

    @Option(name: .customLong("env-file"), help: "Extra environment file for interpolation (repeatable).")
    var envFiles: [String] = []

    @Option(name: .customLong("project-directory"), help: "Working directory for discovery and relative paths.")
    var projectDirectory: String?
}
