import Builder
import Foundation
import Glibc
import Images
import Runtime
import Synchronization
import Testing

/// A temporary state root with a busybox base image (`busybox:test`) and a build context,
/// removed by `cleanup()`. Each test makes its own, so tests run in parallel.
final class BuildSandbox {
    let directory: String
    let stateRoot: String
    let context: String
    let store: ImageStore
    /// A fixed SOURCE_DATE_EPOCH, so images of equal inputs have equal ids across sandboxes.
    static let epoch = 1_700_000_000

    init() throws {
        var template = Array("/tmp/swiftstack-build-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw BuilderError(.io, "mkdtemp failed") }
        directory = String(cString: made)
        stateRoot = directory + "/state"
        context = directory + "/context"
        try FileManager.default.createDirectory(atPath: context, withIntermediateDirectories: true)
        var store = try ImageStore(root: stateRoot + "/images")
        store.sourceDateEpoch = Self.epoch
        self.store = store
        let rootfs = directory + "/rootfs"
        try Self.makeBusyboxRootfs(at: rootfs)
        _ = try store.importRootfs(
            directory: rootfs, reference: "busybox:test",
            config: ImageConfig(env: ["PATH=/bin"], cmd: ["sh"]))
        try FileManager.default.removeItem(atPath: rootfs)
    }

    func cleanup() {
        let runtime = ContainerRuntime(root: stateRoot)
        for container in runtime.list() { try? runtime.delete(container.id, force: true) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    static let applets = [
        "sh", "true", "false", "cat", "echo", "id", "ls", "rm", "mkdir", "stat", "test", "ln", "touch", "chmod",
        "readlink", "env", "pwd", "printf", "wc", "sleep",
    ]

    /// bin/busybox with applet links; /etc/passwd and /etc/group with root and app (1000);
    /// /tmp 1777; the runtime's mount points, so RUN layers hold only what the step wrote.
    static func makeBusyboxRootfs(at path: String) throws {
        let fm = FileManager.default
        for directory in ["bin", "etc", "tmp", "proc", "sys", "dev", "root"] {
            try fm.createDirectory(atPath: path + "/" + directory, withIntermediateDirectories: true)
        }
        chmod(path + "/tmp", 0o1777)
        try fm.copyItem(atPath: "/bin/busybox", toPath: path + "/bin/busybox")
        for applet in applets {
            try fm.createSymbolicLink(atPath: path + "/bin/" + applet, withDestinationPath: "busybox")
        }
        try "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n"
            .write(toFile: path + "/etc/passwd", atomically: true, encoding: .utf8)
        try "root:x:0:\napp:x:1000:\nstaff:x:50:app\n".write(
            toFile: path + "/etc/group", atomically: true, encoding: .utf8)
        for file in ["hosts", "hostname", "resolv.conf"] {
            try "".write(toFile: path + "/etc/" + file, atomically: true, encoding: .utf8)
        }
    }

    /// Writes files into the context (paths relative to it; parents created).
    func write(_ files: [String: String]) throws {
        for (path, content) in files {
            let full = context + "/" + path
            try FileManager.default.createDirectory(
                atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try content.write(toFile: full, atomically: false, encoding: .utf8)
        }
    }

    /// Builds `dockerfile` (written as the context's Dockerfile) and collects the progress.
    func build(
        _ dockerfile: String, tags: [String] = ["out:latest"], target: String? = nil,
        buildArguments: [String: String] = [:], noCache: Bool = false, labels: [String: String] = [:]
    ) async throws -> (result: BuildResult, events: EventLog) {
        try dockerfile.write(toFile: context + "/Dockerfile", atomically: false, encoding: .utf8)
        let log = EventLog()
        let builder = ImageBuilder(stateRoot: stateRoot, sourceDateEpoch: Self.epoch)
        let result = try await builder.build(
            BuildOptions(
                contextDirectory: context, tags: tags, target: target, buildArguments: buildArguments,
                noCache: noCache, labels: labels),
            progress: { log.append($0) })
        return (result, log)
    }

    /// The error a build throws.
    func buildError(_ dockerfile: String, target: String? = nil) async -> BuilderError? {
        do {
            _ = try await build(dockerfile, target: target)
            return nil
        } catch {
            return error as? BuilderError
        }
    }

    /// Runs `command` in a container of `image` and returns its exit code and output.
    func run(_ image: String, _ command: [String], user: String = "") throws -> (status: Int32, output: String) {
        let runtime = ContainerRuntime(root: stateRoot)
        let found = try store.image(image)
        var spec = ContainerSpec(
            lowerDirectories: try store.layerDirectories(of: found), command: command,
            environment: ["PATH=/bin"], user: user)
        spec.name = "t-" + String(spec.id.prefix(10))
        try runtime.create(spec)
        defer { try? runtime.delete(spec.id, force: true) }
        var fds: [Int32] = [-1, -1]
        pipe(&fds)
        let devnull = open("/dev/null", O_RDONLY)
        let pid: Int32
        do {
            pid = try runtime.start(spec.id, io: ProcessIO(stdin: devnull, stdout: fds[1], stderr: fds[1]))
        } catch {
            close(fds[0])
            close(fds[1])
            close(devnull)
            throw error
        }
        close(fds[1])
        close(devnull)
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = Glibc.read(fds[0], &buffer, buffer.count)
            if count <= 0 { break }
            output += buffer[0..<count]
        }
        close(fds[0])
        let state = try runtime.waitForExit(spec.id, pid: pid)
        return (state.exitCode ?? -1, String(decoding: output, as: UTF8.self))
    }

    /// `cat PATH` in the image: the file's text, or nil when it does not exist.
    func read(_ image: String, _ path: String) throws -> String? {
        let (status, output) = try run(image, ["cat", path])
        return status == 0 ? output : nil
    }
}

/// Progress events of one build, collected from any thread.
final class EventLog: Sendable {
    private let events = Mutex<[BuildEvent]>([])

    func append(_ event: BuildEvent) { events.withLock { $0.append(event) } }

    var all: [BuildEvent] { events.withLock { $0 } }

    /// The summary texts of the steps that were answered by the cache, in order.
    var cachedSteps: [String] {
        all.compactMap { if case .cached = $0.kind { $0.text } else { nil } }
    }

    /// The summary texts of the steps that ran (FROM and ARG included), in order.
    var ranSteps: [String] {
        all.compactMap { if case .finished = $0.kind { $0.text } else { nil } }
    }

    var output: [String] {
        all.compactMap { if case .output(let line) = $0.kind { line } else { nil } }
    }
}

/// A plain ustar archive from (name, content) pairs, names written as given (even `../x`),
/// so tests can feed ADD hostile archives.
func ustarArchive(_ entries: [(name: String, content: String)]) -> [UInt8] {
    var archive: [UInt8] = []
    func field(_ value: String, _ length: Int) -> [UInt8] {
        var bytes = Array(value.utf8.prefix(length))
        bytes += [UInt8](repeating: 0, count: length - bytes.count)
        return bytes
    }
    func octal(_ value: Int, _ length: Int) -> [UInt8] {
        let text = String(value, radix: 8)
        return field(String(repeating: "0", count: length - 1 - text.count) + text, length)
    }
    for entry in entries {
        let content = Array(entry.content.utf8)
        var header = field(entry.name, 100) + octal(0o644, 8) + octal(0, 8) + octal(0, 8)
        header += octal(content.count, 12) + octal(BuildSandbox.epoch, 12)
        header += [UInt8](repeating: UInt8(ascii: " "), count: 8)
        header += [UInt8(ascii: "0")] + field("", 100) + field("ustar", 6) + [UInt8(ascii: "0"), UInt8(ascii: "0")]
        header += [UInt8](repeating: 0, count: 512 - header.count)
        let sum = header.reduce(0) { $0 + Int($1) }
        let checksum = field(String(repeating: "0", count: 6 - String(sum, radix: 8).count) + String(sum, radix: 8), 7)
        header.replaceSubrange(148..<155, with: checksum)
        header[155] = UInt8(ascii: " ")
        archive += header + content
        archive += [UInt8](repeating: 0, count: (512 - content.count % 512) % 512)
    }
    archive += [UInt8](repeating: 0, count: 1024)
    return archive
}
