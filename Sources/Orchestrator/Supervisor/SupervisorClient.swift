import Foundation
import Glibc
import Runtime

/// The CLI's side of a project's supervisor: start it (or find the running one), tell it to
/// reload, ask its status, shut it down.
public struct SupervisorClient: Sendable {
    public let paths: SupervisorPaths

    public init(paths: SupervisorPaths) { self.paths = paths }

    public init(stateRoot: String, runDirectory: String, project: String) {
        self.init(paths: SupervisorPaths(stateRoot: stateRoot, runDirectory: runDirectory, project: project))
    }

    /// Sends `request` and returns the supervisor's status; nil when none answers.
    public func send(_ request: SupervisorRequest, timeoutMilliseconds: Int32 = 2000) -> SupervisorStatus? {
        let fd = UnixSocket.open(paths.socket, listen: false)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        UnixSocket.writeLine(fd, request.rawValue)
        guard let line = UnixSocket.readLine(fd, milliseconds: timeoutMilliseconds) else { return nil }
        return try? JSONDecoder().decode(SupervisorStatus.self, from: Data(line.utf8))
    }

    /// Saves the project for the supervisor, then starts one (re-executing `executable` as
    /// `swiftstack supervise`, in its own session, output in `supervisor.log`) unless one
    /// answers already, in which case it is told to reload. With `wait`, returns once the
    /// supervisor answers; without, returns at once (call `awaitAnswer` later), so its start-up
    /// overlaps the caller's work.
    @discardableResult
    public func ensureRunning(
        _ project: SupervisedProject?, executable: String = DetachedProcess.selfExecutable, wait: Bool = true
    ) throws -> SupervisorStatus? {
        if let project { try save(project) }
        if let status = send(.reload) { return status }
        try FileManager.default.createDirectory(
            atPath: paths.directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let log = open(paths.log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard log >= 0 else { throw OrchestratorError.system("open", paths.log) }
        defer { close(log) }
        _ = try DetachedProcess.spawn(
            executable: executable,
            arguments: [
                "swiftstack", "supervise", "-p", paths.project, "--root", paths.stateRoot, "--run", paths.runDirectory,
            ],
            keepFD: log)
        return wait ? try awaitAnswer() : nil
    }

    /// Waits until the supervisor answers on its socket; returns its status.
    @discardableResult
    public func awaitAnswer(timeoutSeconds: Double = 5) throws -> SupervisorStatus {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while Date() < deadline {
            if let status = send(.status, timeoutMilliseconds: 500) { return status }
            usleep(2_000)
        }
        throw OrchestratorError(
            .timeout, "the supervisor of project \(paths.project) did not answer within \(Int(timeoutSeconds)) s",
            hint: "see \(paths.log)")
    }

    /// Writes `project.json` atomically.
    public func save(_ project: SupervisedProject) throws {
        let directory = (paths.projectFile as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(project), to: paths.projectFile)
    }

    /// The project as `up` last saved it, nil when it never did (or `down` removed it).
    public var savedProject: SupervisedProject? {
        guard let data = FileManager.default.contents(atPath: paths.projectFile) else { return nil }
        return try? JSONDecoder().decode(SupervisedProject.self, from: data)
    }

    /// Container name → health, as the supervisor last recorded it.
    public var health: [String: HealthRecord] { HealthFile.load(paths.health) }

    /// The running supervisor's process according to its pid file, nil when none runs.
    public var process: ProcessIdentity? {
        guard let text = try? String(contentsOfFile: paths.pidFile, encoding: .utf8) else { return nil }
        let fields = text.split(whereSeparator: \.isWhitespace)
        guard fields.count == 2, let pid = Int32(fields[0]), let start = UInt64(fields[1]) else { return nil }
        guard let identity = ProcessIdentity.current(pid), identity.startTime == start else { return nil }
        return identity
    }

    /// Asks the supervisor to exit and waits until it has (SIGKILL after `timeoutSeconds`);
    /// removes its run directory and the saved project.
    public func shutdown(timeoutSeconds: Double = 5) {
        let process = self.process
        _ = send(.shutdown)
        if let process {
            let deadline = Date().addingTimeInterval(timeoutSeconds)
            while process.isAlive && Date() < deadline { usleep(5_000) }
            if process.isAlive {
                Glibc.kill(process.pid, SIGKILL)
                while process.isAlive { usleep(5_000) }
            }
        }
        try? FileManager.default.removeItem(atPath: paths.directory)
        try? FileManager.default.removeItem(atPath: (paths.projectFile as NSString).deletingLastPathComponent)
    }
}
