/// A loaded project and what was worth saying about it without being an error.
public struct LoadResult: Sendable {
    public var project: Project
    public var warnings: [Diagnostic]

    public init(project: Project, warnings: [Diagnostic]) {
        self.project = project
        self.warnings = warnings
    }
}
