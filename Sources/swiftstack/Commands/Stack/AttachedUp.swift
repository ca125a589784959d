import Foundation
import Glibc
import Orchestrator
import Runtime
import Synchronization

/// Ctrl-C (or SIGTERM) presses seen by attached `up`; the signal handler only counts.
let attachedInterrupts = Atomic<Int>(0)

/// Attached `up` after the plan is applied: every container's output with a `SERVICE-N | `
/// prefix (coloured on a terminal), following restarts and recreations by re-listing the
/// project each tick; Ctrl-C stops the stack (a second Ctrl-C kills it); the abort flags stop
/// it when a container exits.
struct AttachedUp {
    let runtime: ContainerRuntime
    let stateRoot: String
    let runDirectory: String
    let project: String
    let abortOnExit: Bool
    let abortOnFailure: Bool
    let exitCodeFrom: String?
    /// The runs (`runKey`) that had already ended when the command started: not news.
    let finishedBefore: Set<String>

    /// Names one run of a container: its id, its process's pid and start time (in clock ticks,
    /// so two quick restarts may share one: the pid tells them apart).
    static func runKey(_ container: Container) -> String {
        "\(container.id)@\(container.state.pid ?? 0)@\(container.state.pidStartTime ?? 0)"
    }

    /// Streams until the stack is stopped or has nothing left running; returns the exit code.
    func run() -> Int32 {
        for sig in [SIGINT, SIGTERM] {
            signal(sig) { _ in attachedInterrupts.add(1, ordering: .relaxed) }
        }
        let colour = isatty(1) == 1
        var offsets: [String: UInt64] = [:]
        var reportedRuns = Set<String>()
        var lastRunning: [String: String] = [:]
        var runs = RunCount()
        var unsettledSince: [String: Date] = [:]
        var stopping: StopState?
        var killed = false
        var quietSince: Date?
        var abortReason: String?
        var abortCode: Int32 = 0
        let restartsPath = SupervisorPaths(stateRoot: stateRoot, runDirectory: runDirectory, project: project).restarts
        while true {
            // Restarts before containers: a restart is saved only once its run is recorded, so
            // every restart counted here has its run in the list below.
            let restarts = RestartFile.load(restartsPath)
            let containers = projectContainers()
            let width = containers.map { label($0).count }.max() ?? 0
            var entries: [(container: Container, entry: LogEntry)] = []
            for container in containers {
                let (read, next) = ContainerLogReader.read(path: container.logPath, from: offsets[container.id] ?? 0)
                offsets[container.id] = next
                entries += read.map { (container, $0) }
            }
            for (container, entry) in entries.sorted(by: { $0.entry.time < $1.entry.time }) {
                emit(container, entry, width: width, colour: colour)
            }
            for container in containers {
                let run = Self.runKey(container)
                var ended: [Int32?] = []
                // Runs that started and ended between two looks (the supervisor counts every
                // restart): their exits are reported, with the code unseen.
                let restartCount = restarts.values.first { $0.containerID == container.id }?.restarts.count ?? 0
                for _ in 0..<runs.unseen(container.id, run: run, restarts: restartCount) { ended.append(nil) }
                // A run seen running and replaced between two looks (a quick restart) ended unseen.
                if let previous = lastRunning[container.id], previous != run, reportedRuns.insert(previous).inserted {
                    ended.append(nil)
                }
                if container.isRunning { lastRunning[container.id] = run }
                // Its process is gone but its owner has not recorded the exit yet: give it a moment.
                var settled = container.state.status != .running
                if !container.isRunning && !settled {
                    let since = unsettledSince[run] ?? Date()
                    unsettledSince[run] = since
                    settled = Date().timeIntervalSince(since) > 2
                }
                // Not created-and-never-started, not an exit from before this command, not reported yet.
                if !container.isRunning, settled, container.state.pidStartTime != nil, !finishedBefore.contains(run),
                    reportedRuns.insert(run).inserted
                {
                    ended.append(container.state.status == .running ? nil : container.state.exitCode)
                }
                for code in ended {
                    Console.out("\(label(container)) exited with code \(code.map(String.init) ?? "unknown")\n")
                    if stopping == nil && abortReason == nil
                        && (abortOnExit || exitCodeFrom != nil || (abortOnFailure && code != 0))
                    {
                        abortReason = "\(label(container)) exited"
                        abortCode = code ?? 1
                    }
                }
            }
            let interrupts = attachedInterrupts.load(ordering: .relaxed)
            if stopping == nil && (interrupts > 0 || abortReason != nil) {
                if interrupts > 0 {
                    Console.error("Gracefully stopping... (press Ctrl+C again to force)")
                } else if let abortReason {
                    Console.error("Aborting on container exit (\(abortReason))...")
                }
                stopping = StopState()
                stop(containers.filter(\.isRunning), state: stopping!)
            }
            if interrupts > 1 && !killed {
                killed = true
                for container in projectContainers() where container.isRunning {
                    try? runtime.kill(container.id, signal: SIGKILL)
                }
            }
            if let stopping {
                if stopping.isDone && !containers.contains(where: \.isRunning) {
                    // A last read of what the containers said while they stopped.
                    drain(&offsets, colour: colour)
                    return exitCode(interrupted: interrupts > 0, abortCode: abortCode)
                }
            } else if containers.contains(where: \.isRunning) || !entries.isEmpty || restartPending {
                quietSince = nil
            } else if let quiet = quietSince {
                // Nothing ran for a while (restart policies bring a container back within the back-off).
                if Date().timeIntervalSince(quiet) > 3 { return exitCode(interrupted: false, abortCode: 0) }
            } else {
                quietSince = Date()
            }
            usleep(100_000)
        }
    }

    /// The code `up` exits with: the `--exit-code-from` service's container's, 130 after Ctrl-C,
    /// the code of the container whose exit aborted the stack, else 0.
    private func exitCode(interrupted: Bool, abortCode: Int32) -> Int32 {
        if let service = exitCodeFrom {
            let containers = projectContainers().filter { $0.spec.labels[ProjectLabels.service] == service }
            let first = containers.sorted { replica($0) < replica($1) }.first
            return first?.state.exitCode ?? 1
        }
        return interrupted ? 130 : abortCode
    }

    private func drain(_ offsets: inout [String: UInt64], colour: Bool) {
        let containers = projectContainers()
        let width = containers.map { label($0).count }.max() ?? 0
        for container in containers {
            let (read, next) = ContainerLogReader.read(path: container.logPath, from: offsets[container.id] ?? 0)
            offsets[container.id] = next
            for entry in read { emit(container, entry, width: width, colour: colour) }
        }
    }

    /// Stops `containers` side by side on a background thread; records the intent first so
    /// the supervisor's restart policies leave them stopped.
    private func stop(_ containers: [Container], state: StopState) {
        let runtime = runtime
        let stateRoot = stateRoot
        let runDirectory = runDirectory
        Thread.detachNewThread {
            BlockingParallel.forEach(containers.count) { index in
                let container = containers[index]
                StopIntent.record(stopping: container, stateRoot: stateRoot, runDirectory: runDirectory)
                Console.error("Stopping \(container.name)")
                try? runtime.stop(container.id, timeout: nil)
            }
            state.finish()
        }
    }

    /// Whether the supervisor has a restart scheduled (a back-off may outlast the quiet period).
    private var restartPending: Bool {
        let paths = SupervisorPaths(stateRoot: stateRoot, runDirectory: runDirectory, project: project)
        return RestartFile.load(paths.restarts).values.contains { $0.dueAt != nil }
    }

    private func projectContainers() -> [Container] {
        // One-offs (`run SERVICE`) belong to whoever ran them.
        runtime.list().filter {
            $0.spec.labels[ProjectLabels.project] == project && !ProjectLabels.isOneOff($0.spec.labels)
        }
    }

    private func replica(_ container: Container) -> Int {
        Int(container.spec.labels[ProjectLabels.index] ?? "") ?? 0
    }

    /// `SERVICE-N`, as Compose prefixes lines.
    private func label(_ container: Container) -> String {
        guard let service = container.spec.labels[ProjectLabels.service] else { return container.name }
        return "\(service)-\(replica(container))"
    }

    private func emit(_ container: Container, _ entry: LogEntry, width: Int, colour: Bool) {
        var prefix = label(container).padding(toLength: width, withPad: " ", startingAt: 0) + "  | "
        if colour {
            let service = container.spec.labels[ProjectLabels.service] ?? container.name
            let palette = [36, 33, 32, 35, 34, 96, 93, 92, 95, 94]
            let index = Int(service.utf8.reduce(UInt32(5381)) { ($0 &* 33) &+ UInt32($1) } % UInt32(palette.count))
            prefix = "\u{1B}[\(palette[index])m\(prefix)\u{1B}[0m"
        }
        var text = prefix + entry.log
        if !text.hasSuffix("\n") { text += "\n" }
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(1, $0.baseAddress, $0.count) }
    }
}

/// Whether the background stop has finished.
final class StopState: Sendable {
    private let done = Atomic<Bool>(false)
    func finish() { done.store(true, ordering: .releasing) }
    var isDone: Bool { done.load(ordering: .acquiring) }
}

/// Counts a container's runs as attached `up` sees them, against the supervisor's count of
/// restarts, to find runs that began and ended between two looks.
struct RunCount {
    private var baseline: [String: Int] = [:]
    private var seen: [String: Set<String>] = [:]
    private var unseenSoFar: [String: Int] = [:]

    /// How many runs of `id` ended unseen since the last call, now that `run` is current and
    /// the supervisor has restarted the container `restarts` times in all.
    mutating func unseen(_ id: String, run: String, restarts: Int) -> Int {
        // Restarts before the first look are not news.
        let base = baseline[id] ?? restarts
        baseline[id] = base
        seen[id, default: []].insert(run)
        let runsSince = restarts - base + 1
        let missing = runsSince - seen[id, default: []].count - unseenSoFar[id, default: 0]
        guard missing > 0 else { return 0 }
        unseenSoFar[id, default: 0] += missing
        return missing
    }
}
