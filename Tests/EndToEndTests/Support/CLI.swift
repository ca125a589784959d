import Foundation
import Testing

/// Runs the built `swiftstack` binary the way a user does and captures what it says.
struct CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The `swiftstack` executable built beside the test bundle, or the one named by
    /// `SWIFTSTACK_TEST_BINARY` (to run these tests against the static release binary).
    static let binary: URL = {
        if let chosen = ProcessInfo.processInfo.environment["SWIFTSTACK_TEST_BINARY"], !chosen.isEmpty {
            return URL(fileURLWithPath: chosen)
        }
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(),
            Bundle.main.bundleURL,
        ]
        for directory in candidates {
            let url = directory.appendingPathComponent("swiftstack")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return repositoryRoot.appendingPathComponent(".build/debug/swiftstack")
    }()

    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Runs `swiftstack ARGUMENTS` in `directory` with `environment` added to the test's own.
    ///
    /// posix_spawn and waitpid by pid rather than Foundation's Process: the binary leaves
    /// detached monitors behind, and the wait must not depend on how the test process handles
    /// SIGCHLD for them.
    static func run(
        _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
        input: String? = nil
    ) throws -> Result {
        try spawn(binary.path, arguments, in: directory, environment: environment, input: input)
    }

    /// Runs any executable the same way (e.g. `/bin/busybox wget` against a published port).
    static func spawn(
        _ executable: String, _ arguments: [String], in directory: URL? = nil,
        environment: [String: String] = [:], input: String? = nil
    ) throws -> Result {
        var stdinPipe: [Int32] = [-1, -1]
        var stdoutPipe: [Int32] = [-1, -1]
        var stderrPipe: [Int32] = [-1, -1]
        guard pipe(&stdinPipe) == 0, pipe(&stdoutPipe) == 0, pipe(&stderrPipe) == 0 else { throw POSIXError(.EMFILE) }
        for fd in stdinPipe + stdoutPipe + stderrPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)
        var pid: pid_t = 0
        let spawned = spawn(
            executable, arguments, in: directory, environment: environment, actions: &actions, pid: &pid)
        close(stdinPipe[0])
        close(stdoutPipe[1])
        close(stderrPipe[1])
        guard spawned == 0 else {
            close(stdinPipe[1])
            close(stdoutPipe[0])
            close(stderrPipe[0])
            throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL)
        }
        if let input { _ = input.withCString { write(stdinPipe[1], $0, strlen($0)) } }
        close(stdinPipe[1])
        // Read both pipes concurrently so a full stderr cannot block the child.
        let errData = DataBox()
        let done = DispatchSemaphore(value: 0)
        let errFD = stderrPipe[0]
        DispatchQueue.global().async {
            errData.data = readAll(errFD)
            done.signal()
        }
        let outData = readAll(stdoutPipe[0])
        done.wait()
        close(stdoutPipe[0])
        close(stderrPipe[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(
            status: code, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData.data, as: UTF8.self))
    }

    /// Starts `swiftstack ARGUMENTS` in the background with stdout and stderr appended to
    /// `output`; returns its pid (reap it with `finish`).
    static func start(
        _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:], output: String
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var pid: pid_t = 0
        let spawned = spawn(
            binary.path, arguments, in: directory, environment: environment, actions: &actions, pid: &pid)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        return pid
    }

    /// Waits up to `seconds` for a process from `start` to exit; its exit status, or nil.
    static func finish(_ pid: pid_t, within seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        var status: Int32 = 0
        while Date() < deadline {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f) }
            usleep(20_000)
        }
        return nil
    }

    /// posix_spawn of `executable ARGUMENTS` in `directory` (through `env -C DIR`: posix_spawn's
    /// chdir is not in Swift's Glibc) with `environment` added to ours; posix_spawn's result.
    static func spawn(
        _ executable: String, _ arguments: [String], in directory: URL?, environment: [String: String],
        actions: inout posix_spawn_file_actions_t, pid: inout pid_t
    ) -> Int32 {
        let command = (directory.map { ["/usr/bin/env", "-C", $0.path] } ?? []) + [executable] + arguments
        let argv = command.map { strdup($0) } + [nil]
        let merged = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        return posix_spawn(&pid, command[0], &actions, nil, argv, envp)
    }

    private static func readAll(_ fd: Int32) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        return data
    }
}

/// Bytes handed from the reader thread; the semaphore orders the accesses.
private final class DataBox: @unchecked Sendable {
    var data = Data()
}

/// A temporary directory removed when the value goes away.
final class TemporaryDirectory {
    let url: URL

    init(_ prefix: String = "swiftstack-e2e") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Retries a little: `run --rm` removes its container in a background process after
    /// reporting the exit, and a removal racing with it can fail on entries that vanish or
    /// appear under it.
    deinit {
        for _ in 0..<50 {
            if (try? FileManager.default.removeItem(at: url)) != nil { return }
            if !FileManager.default.fileExists(atPath: url.path) { return }
            usleep(20_000)
        }
    }

    /// Writes `text` to `name` inside the directory and returns its URL.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> URL {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file
    }
}
