import Foundation

/// Drains replicas through the project's supervisor: a marker file per container in
/// `<run>/projects/<project>/draining/` that the supervisor reads on every tick, leaving the
/// container out of DNS answers and port backends; a `reload` makes it tick at once.
public struct SupervisorDrain: ReplicaDrain {
    public let paths: SupervisorPaths
    /// How long clients may still use an answer they got just before the drain: a resolve, a
    /// connect and a short request, with room for a loaded machine (0.3 s lost a request of
    /// the rolling-update test under a full parallel test run).
    public var settle: Double = 1

    public init(paths: SupervisorPaths) { self.paths = paths }

    public func drain(_ names: [String]) {
        guard !names.isEmpty else { return }
        try? FileManager.default.createDirectory(atPath: paths.draining, withIntermediateDirectories: true)
        for name in names { _ = FileManager.default.createFile(atPath: paths.draining + "/" + name, contents: nil) }
        let client = SupervisorClient(
            stateRoot: paths.stateRoot, runDirectory: paths.runDirectory, project: paths.project)
        // The answer to `reload` comes after the tick that reads the markers.
        if client.send(.reload) != nil { Thread.sleep(forTimeInterval: settle) }
    }

    public func release(_ names: [String]) {
        for name in names { try? FileManager.default.removeItem(atPath: paths.draining + "/" + name) }
    }
}
