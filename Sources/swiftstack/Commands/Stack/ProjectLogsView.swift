import Foundation
import Glibc
import Orchestrator
import Runtime

/// `logs [-f] [-t] [--tail N] [SERVICE…]` for a project: every selected container's output,
/// each line prefixed with `CONTAINER | ` as Compose does, in time order; `-f` follows across
/// restarts until no selected container has run for two seconds.
struct ProjectLogsView {
    let runtime: ContainerRuntime
    let project: String
    let services: [String]
    let follow: Bool
    let timestamps: Bool
    /// Lines per container, nil for all.
    let tail: Int?

    func run() {
        var offsets: [String: UInt64] = [:]
        var entries: [(prefix: String, entry: LogEntry)] = []
        let selected = containers()
        let width = selected.map(\.name.count).max() ?? 0
        for container in selected {
            var (read, next) = ContainerLogReader.read(path: container.logPath)
            if let tail { read = Array(read.suffix(tail)) }
            offsets[container.id] = next
            entries += read.map { (prefix(container, width), $0) }
        }
        emit(entries)
        guard follow else { return }
        var quietSince: Date?
        while true {
            usleep(100_000)
            entries = []
            let current = containers()
            for container in current {
                let (read, next) = ContainerLogReader.read(path: container.logPath, from: offsets[container.id] ?? 0)
                offsets[container.id] = next
                entries += read.map { (prefix(container, width), $0) }
            }
            emit(entries)
            if current.contains(where: \.isRunning) || !entries.isEmpty {
                quietSince = nil
            } else if let since = quietSince {
                if Date().timeIntervalSince(since) > 2 { return }
            } else {
                quietSince = Date()
            }
        }
    }

    /// The project's containers of the selected services, oldest first.
    private func containers() -> [Container] {
        runtime.list().filter { container in
            guard container.spec.labels[ProjectLabels.project] == project else { return false }
            return services.isEmpty || services.contains(container.spec.labels[ProjectLabels.service] ?? "")
        }
    }

    private func prefix(_ container: Container, _ width: Int) -> String {
        container.name.padding(toLength: width, withPad: " ", startingAt: 0) + " | "
    }

    private func emit(_ entries: [(prefix: String, entry: LogEntry)]) {
        // RFC 3339 UTC timestamps of one width sort as text.
        for (prefix, entry) in entries.sorted(by: { $0.entry.time < $1.entry.time }) {
            var text = prefix + (timestamps ? entry.time + " " : "") + entry.log
            if !text.hasSuffix("\n") { text += "\n" }
            let fd: Int32 = entry.stream == .stderr ? 2 : 1
            var bytes = Array(text.utf8)
            _ = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress, $0.count) }
        }
    }
}

extension ProjectLogsView {
    /// Whether `logs` means a project: as for `ps`.
    static func appliesTo(_ stack: StackOptions) -> Bool { ProjectPsView.applies(stack) }
}
