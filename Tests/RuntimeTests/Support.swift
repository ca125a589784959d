import Foundation
import Glibc
import Runtime
import Testing

/// A temporary state root with a busybox root filesystem, cleaned up by `cleanup()`.
final class Sandbox {
    let directory: String
    let rootfs: String
    let runtime: ContainerRuntime
    private(set) var created: [String] = []

    init() throws {
        var template = Array("/tmp/swiftstack-rt-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw RuntimeError(.system, "mkdtemp failed") }
        directory = String(cString: made)
        rootfs = directory + "/rootfs"
        runtime = ContainerRuntime(root: directory + "/state")
        try Sandbox.makeBusyboxRootfs(at: rootfs)
    }

    static let busyboxApplets = [
        "sh", "true", "false", "cat", "echo", "id", "hostname", "ls", "ps", "sleep", "wget", "nc", "mount",
        "head", "dd", "touch", "mkdir", "ip", "pwd", "env", "grep", "kill", "trap", "wc", "tail", "stat", "rm",
        "readlink", "test", "ifconfig", "netstat", "seq", "yes", "tr",
    ]

    /// bin/busybox + applet links, etc/passwd and etc/group with root and app (uid 1000).
    static func makeBusyboxRootfs(at path: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: path + "/bin", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: path + "/etc", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: path + "/tmp", withIntermediateDirectories: true)
        try fm.copyItem(atPath: "/bin/busybox", toPath: path + "/bin/busybox")
        for applet in busyboxApplets {
            try fm.createSymbolicLink(atPath: path + "/bin/" + applet, withDestinationPath: "busybox")
        }
        try "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n"
            .write(toFile: path + "/etc/passwd", atomically: true, encoding: .utf8)
        try "root:x:0:\napp:x:1000:\nstaff:x:50:app\n".write(
            toFile: path + "/etc/group", atomically: true, encoding: .utf8)
        // Not executable: exit code 126.
        try "#!/bin/sh\necho no\n".write(toFile: path + "/bin/noexec", atomically: true, encoding: .utf8)
        chmod(path + "/bin/noexec", 0o644)
    }

    func spec(_ command: [String], configure: (inout ContainerSpec) -> Void = { _ in }) -> ContainerSpec {
        var spec = ContainerSpec(lowerDirectories: [rootfs], command: command, environment: [])
        spec.name = "t-" + String(spec.id.prefix(10))
        configure(&spec)
        return spec
    }

    /// Registers a container created outside `start` for cleanup.
    func track(_ id: String) { created.append(id) }

    /// Creates and starts a container with piped output; the caller pumps and waits.
    func start(_ spec: ContainerSpec) throws -> (pid: Int32, stdout: Int32, stderr: Int32) {
        try runtime.create(spec)
        created.append(spec.id)
        var out: [Int32] = [-1, -1]
        var err: [Int32] = [-1, -1]
        pipe(&out)
        pipe(&err)
        let devnull = open("/dev/null", O_RDONLY)
        defer {
            close(devnull)
            close(out[1])
            close(err[1])
        }
        do {
            let pid = try runtime.start(spec.id, io: ProcessIO(stdin: devnull, stdout: out[1], stderr: err[1]))
            return (pid, out[0], err[0])
        } catch {
            close(out[0])
            close(err[0])
            throw error
        }
    }

    struct Result {
        var exitCode: Int32
        var stdout: String
        var stderr: String
        var state: ContainerState
    }

    /// Runs a container to completion, capturing output through the log.
    func run(_ spec: ContainerSpec) throws -> Result {
        let (pid, out, err) = try start(spec)
        let container = try runtime.container(spec.id)
        let log = try ContainerLogWriter(path: container.logPath)
        OutputPump(
            sources: [.init(fd: out, stream: .stdout, echo: nil), .init(fd: err, stream: .stderr, echo: nil)], log: log
        ).run()
        let state = try runtime.waitForExit(spec.id, pid: pid)
        let entries = ContainerLogReader.read(path: container.logPath).entries
        return Result(
            exitCode: state.exitCode ?? -1,
            stdout: entries.filter { $0.stream == .stdout }.map(\.log).joined(),
            stderr: entries.filter { $0.stream == .stderr }.map(\.log).joined(),
            state: state)
    }

    func run(_ script: String, configure: (inout ContainerSpec) -> Void = { _ in }) throws -> Result {
        try run(spec(["sh", "-c", script], configure: configure))
    }

    /// Removes every container (force) and the temporary directory.
    func cleanup() {
        for id in created { try? runtime.delete(id, force: true) }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

func readText(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

/// A container owned by a background thread that pumps its log and reaps it, like a monitor.
final class OwnedContainer: @unchecked Sendable {
    let id: String
    let pid: Int32
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var finalState: ContainerState?

    init(box: Sandbox, spec: ContainerSpec) throws {
        let (pid, out, err) = try box.start(spec)
        self.id = spec.id
        self.pid = pid
        let runtime = box.runtime
        let logPath = try runtime.container(spec.id).logPath
        let id = spec.id
        Thread.detachNewThread { [self] in
            let log = try? ContainerLogWriter(path: logPath)
            OutputPump(
                sources: [.init(fd: out, stream: .stdout, echo: nil), .init(fd: err, stream: .stderr, echo: nil)],
                log: log
            ).run()
            let state = try? runtime.waitForExit(id, pid: pid)
            lock.withLock { finalState = state }
            done.signal()
        }
    }

    /// Waits for the owner thread to record the exit.
    func waitForExit(seconds: Double = 20) -> ContainerState? {
        guard done.wait(timeout: .now() + seconds) == .success else { return nil }
        done.signal()
        return lock.withLock { finalState }
    }
}

/// Polls until `condition` holds or the time is up.
func eventually(seconds: Double = 10, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(20_000)
    }
    return condition()
}

/// Runs an exec to completion and returns (exit code, stdout).
func execCapture(_ box: Sandbox, _ id: String, _ exec: ExecSpec) throws -> (Int32, String) {
    var out: [Int32] = [-1, -1]
    pipe(&out)
    let devnull = open("/dev/null", O_RDWR)
    let pid: Int32
    do {
        pid = try box.runtime.startExec(id, exec, io: ProcessIO(stdin: devnull, stdout: out[1], stderr: out[1]))
    } catch {
        Glibc.close(out[0])
        Glibc.close(out[1])
        Glibc.close(devnull)
        throw error
    }
    Glibc.close(out[1])
    Glibc.close(devnull)
    var data = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = read(out[0], &buffer, buffer.count)
        if n <= 0 { break }
        data.append(contentsOf: buffer[0..<n])
    }
    Glibc.close(out[0])
    return (box.runtime.waitForExec(pid: pid), String(decoding: data, as: UTF8.self))
}
