import Foundation
import Glibc
import Runtime

/// A user's "stop" recorded before the container is stopped (`swiftstack stop`), so that the
/// supervisor does not take the exit for a crash and restart it. The record names the process
/// it was meant for: once the container runs a different process (started again), it lapses.
public enum StopIntent {
    /// Records that `container` (id) running process `processStart` is being stopped on purpose.
    public static func record(_ paths: SupervisorPaths, container: String, processStart: UInt64) {
        try? FileManager.default.createDirectory(
            atPath: paths.stopIntents, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try? AtomicFile.write(Data("\(processStart)\n".utf8), to: "\(paths.stopIntents)/\(container)")
    }

    /// Records the intent when `container` is a running container of a project; does nothing
    /// otherwise (`swiftstack stop` calls it for every container it stops).
    public static func record(stopping container: Container, stateRoot: String, runDirectory: String) {
        guard let project = container.spec.labels[ProjectLabels.project], let process = container.liveProcess else {
            return
        }
        record(
            SupervisorPaths(stateRoot: stateRoot, runDirectory: runDirectory, project: project),
            container: container.id, processStart: process.startTime)
    }

    static func isRecorded(_ paths: SupervisorPaths, container: String) -> Bool {
        access("\(paths.stopIntents)/\(container)", F_OK) == 0
    }

    /// Drops the record once the container runs a process other than the one it was meant for.
    static func clear(_ paths: SupervisorPaths, container: String, unless processStart: UInt64) {
        let path = "\(paths.stopIntents)/\(container)"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return }
        if UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines)) != processStart { unlink(path) }
    }
}

extension StopIntent {
    /// Whether `kill -s SIGNAL` means to stop (KILL, TERM, INT, QUIT): the policy then leaves the
    /// container stopped. A HUP or USR1 asks a running process something; if it dies of it, that
    /// is a crash like any other.
    public static func ends(signal: Int32) -> Bool {
        [SIGKILL, SIGTERM, SIGINT, SIGQUIT].contains(signal)
    }

    /// Drops the record (`swiftstack start`): restart policies apply to the container again.
    public static func remove(_ paths: SupervisorPaths, container: String) {
        unlink("\(paths.stopIntents)/\(container)")
    }
}
