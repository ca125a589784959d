import ArgumentParser
import Foundation
import Glibc
import Runtime

/// `swiftstack logs [-f] [-t] [--tail N] NAME`: the container's output, from its log file (which
/// outlives the container's processes).
struct LogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logs", abstract: "Show a container's output.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: [.short, .customLong("follow")], help: "Keep printing new output until the container exits.")
    var follow = false
    @Flag(name: [.short, .customLong("timestamps")], help: "Prefix each line with its RFC 3339 timestamp.")
    var timestamps = false
    @Option(name: [.customShort("n"), .customLong("tail")], help: "Only the last N lines (or all).") var tail: String =
        "all"
    // `-f` is --follow here, so the stack file is --file only.
    @Option(name: .customLong("file"), help: "Stack file (repeatable).") var files: [String] = []
    @Option(name: [.short, .customLong("project-name")], help: "Project name.") var projectName: String?
    @Argument(help: "A container name or id; in a project (a stack file in sight, or -p): services, default all.")
    var names: [String] = []

    func run() throws {
        let runtime = global.containerRuntime
        // One container by name or id stays the container view, even beside a stack file.
        let single = names.count == 1 ? try? runtime.container(names[0]) : nil
        var stack = try StackOptions.parse([])
        stack.files = files
        stack.projectName = projectName
        if single == nil && ProjectLogsView.appliesTo(stack) {
            if tail != "all" && Int(tail) == nil {
                ContainerCommandErrors.report("invalid --tail '\(tail)': use a number or all")
                throw ExitCode(2)
            }
            let project = try stack.projectName ?? stack.load().project.name
            ProjectLogsView(
                runtime: runtime, project: project, services: names, follow: follow, timestamps: timestamps,
                tail: Int(tail)
            ).run()
            return
        }
        guard names.count == 1 else {
            ContainerCommandErrors.report("logs takes one container name or id (or services, beside a stack file)")
            throw ExitCode(2)
        }
        let name = names[0]
        let container = try ContainerCommandErrors.reporting { try runtime.container(name) }
        var (entries, offset) = ContainerLogReader.read(path: container.logPath)
        if tail != "all" {
            guard let n = Int(tail), n >= 0 else {
                ContainerCommandErrors.report("invalid --tail '\(tail)': use a number or all")
                throw ExitCode(2)
            }
            entries = Array(entries.suffix(n))
        }
        emit(entries)
        guard follow else { return }
        while true {
            let running = (try? runtime.container(container.id).isRunning) ?? false
            let (more, next) = ContainerLogReader.read(path: container.logPath, from: offset)
            emit(more)
            offset = next
            if !running && more.isEmpty { break }
            usleep(100_000)
        }
    }

    func emit(_ entries: [LogEntry]) {
        for entry in entries {
            let text = timestamps ? entry.time + " " + entry.log : entry.log
            let fd: Int32 = entry.stream == .stderr ? 2 : 1
            var bytes = Array(text.utf8)
            _ = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress, $0.count) }
        }
    }
}
