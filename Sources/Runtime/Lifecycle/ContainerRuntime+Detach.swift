import Glibc

extension ContainerRuntime {
    /// Starts a created container under a detached per-container monitor (`swiftstack _monitor`),
    /// which becomes its parent, pumps its output into the log and records its exit; returns
    /// once the monitor reports that the container's command was executed.
    ///
    /// - Parameter monitor: the swiftstack executable to run as the monitor (our own binary by
    ///   default; tests that run inside another binary pass the built `swiftstack`).
    /// - Throws: the start failure the monitor reports, with its code (so 126/127 survive).
    public func startDetached(_ nameOrID: String, monitor: String = DetachedProcess.selfExecutable) throws {
        let container = try container(nameOrID)
        // Close-on-exec from birth: monitors started by other threads must not inherit the
        // write end, or this read would wait for their exit instead of our monitor's report.
        let reportPipe = try makePipe()
        let fds = [reportPipe.read, reportPipe.write]
        do {
            _ = try DetachedProcess.spawn(
                executable: monitor, arguments: ["swiftstack", "_monitor", "--root", root, container.id],
                keepFD: fds[1])
        } catch {
            close(fds[0])
            close(fds[1])
            throw error
        }
        close(fds[1])
        var report = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fds[0], &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            report.append(contentsOf: buffer[0..<n])
        }
        close(fds[0])
        if let failure = MonitorReport.failure(in: String(decoding: report, as: UTF8.self)) { throw failure }
        guard MonitorReport.isSuccess(String(decoding: report, as: UTF8.self)) else {
            throw RuntimeError(
                .startFailed,
                "the monitor of \(container.name) exited without reporting; see \(container.directory)")
        }
    }
}

/// The one line a monitor writes on its report descriptor: `OK`, or `ERR EXITCODE MESSAGE`.
public enum MonitorReport {
    public static let success = "OK\n"

    public static func failure(_ error: RuntimeError) -> String {
        "ERR \(error.exitCode) \(error.code.rawValue) \(error.message)\n"
    }

    static func isSuccess(_ text: String) -> Bool { text.hasPrefix("OK") }

    /// The error a failure line describes, or nil when the line is not a failure.
    static func failure(in text: String) -> RuntimeError? {
        guard text.hasPrefix("ERR ") else { return nil }
        let fields = text.dropFirst(4).split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3 else { return RuntimeError(.startFailed, String(text.dropFirst(4))) }
        let code = RuntimeError.Code(rawValue: String(fields[1])) ?? .startFailed
        return RuntimeError(code, fields[2].trimmingCharacters(in: .newlines))
    }
}
