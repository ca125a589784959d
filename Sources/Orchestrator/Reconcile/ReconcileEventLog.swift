import Foundation
import Glibc

/// The reconcile action stream of a project, as JSON lines in
/// `<stateRoot>/projects/<project>/events.log`, so `swiftstack events` in another shell shows
/// it. Each record is one `write(2)` on an `O_APPEND` descriptor, so lines never interleave;
/// past `limit` bytes the file is renamed to `events.log.1` (replacing the previous one) and
/// a new one begins, so it never grows without bound.
public struct ReconcileEventLog: Sendable {
    public let path: String
    public var limit: Int = 1 << 20

    public init(stateRoot: String, project: String) {
        path = "\(stateRoot)/projects/\(project)/events.log"
    }

    /// The file the log rotates to.
    public var previousPath: String { path + ".1" }

    public func append(_ record: ReconcileRecord) {
        let line = Array((record.json + "\n").utf8)
        let directory = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var status = stat()
        if stat(path, &status) == 0, Int(status.st_size) + line.count > limit {
            _ = rename(path, previousPath)
        }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}
