import ArgumentParser
import Foundation
import Glibc
import Orchestrator
import Runtime

/// `swiftstack events [--json] [SERVICE…]`: the project's container events as they happen
/// (create, start, die with its exit code, health_status, destroy), found by comparing the
/// runtime's containers and the supervisor's health.json every 100 ms, and the actions a
/// running `reconcile` logs with their reasons (its event log, followed). Runs until interrupted.
struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "Stream a project's container events.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var stack: StackOptions
    @Flag(help: "One JSON object per line.") var json = false
    @Argument(help: "Services (default: all).") var services: [String] = []

    /// One event, as `--json` prints it (Compose's fields).
    struct Event: Encodable {
        var time: String
        var type = "container"
        var action: String
        var id: String
        var service: String
        var attributes: [String: String]
    }

    /// What one poll knows of a container.
    struct Seen {
        var name: String
        var service: String
        var run: UInt64?
        var health: HealthStatus?
    }

    func run() throws {
        let scope = try ProjectScope.resolve(stack, global: global)
        let paths = scope.paths
        var seen: [String: Seen] = [:]
        var unsettledSince: [String: Date] = [:]
        var first = true
        let reconcile = ReconcileEventFollower(
            log: ReconcileEventLog(stateRoot: paths.stateRoot, project: paths.project))
        while true {
            for line in reconcile.poll() { emitReconcile(line, project: paths.project) }
            let containers = (try? scope.containers(services)) ?? []
            let health = HealthFile.load(paths.health)
            var now: [String: Seen] = [:]
            for container in containers {
                let run = container.liveProcess?.startTime
                // Its process is gone but its owner has not recorded the exit yet: the code is
                // on its way, so the event waits for it (up to 2 s, then "unknown").
                if run == nil && container.state.status == .running {
                    let since = unsettledSince[container.id] ?? Date()
                    unsettledSince[container.id] = since
                    if Date().timeIntervalSince(since) < 2 {
                        now[container.id] = seen[container.id]
                        continue
                    }
                } else {
                    unsettledSince[container.id] = nil
                }
                let record = health[container.name]
                let current =
                    run != nil && record?.containerID == container.id && record?.processStart == run
                let state = Seen(
                    name: container.name, service: ProjectScope.service(container), run: run,
                    health: current ? record?.status : nil)
                let before = seen[container.id]
                defer { now[container.id] = state }
                if first { continue }
                if before == nil { emit("create", container) }
                if let run, before?.run != run { emit("start", container) }
                if run == nil, before?.run != nil || (before == nil && container.state.status == .exited) {
                    emit("die", container, ["exitCode": container.state.exitCode.map(String.init) ?? "unknown"])
                }
                if let status = state.health, status != before?.health {
                    emit("health_status: \(status.rawValue)", container)
                }
            }
            if !first {
                for (id, gone) in seen where now[id] == nil {
                    emit("destroy", id: id, service: gone.service, name: gone.name, ["name": gone.name])
                }
            }
            seen = now
            first = false
            usleep(100_000)
        }
    }

    /// One record of the reconcile log: `TIME reconcile KIND: MESSAGE`, or its JSON with
    /// `"type": "reconcile"`.
    private func emitReconcile(_ line: String, project: String) {
        guard var record = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
            return
        }
        if !services.isEmpty {
            let target = record["target"] as? String ?? ""
            guard services.contains(where: { target == $0 || target.hasPrefix("\(project)-\($0)-") }) else { return }
        }
        let output: String
        if json {
            record["type"] = "reconcile"
            let data = try? JSONSerialization.data(
                withJSONObject: record, options: [.sortedKeys, .withoutEscapingSlashes])
            output = data.map { String(decoding: $0, as: UTF8.self) } ?? line
        } else {
            let time = record["time"] as? String ?? ""
            output = "\(time) reconcile \(record["kind"] as? String ?? "?"): \(record["message"] as? String ?? "")"
        }
        var bytes = Array((output + "\n").utf8)
        _ = bytes.withUnsafeMutableBytes { write(1, $0.baseAddress, $0.count) }
    }

    private func emit(_ action: String, _ container: Container, _ extra: [String: String] = [:]) {
        var attributes = ["name": container.name, "image": container.spec.image]
        attributes.merge(extra) { _, new in new }
        emit(action, id: container.id, service: ProjectScope.service(container), name: container.name, attributes)
    }

    private func emit(
        _ action: String, id: String, service: String, name: String, _ attributes: [String: String] = [:]
    ) {
        let time = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
        let line: String
        if json {
            let event = Event(time: time, action: action, id: id, service: service, attributes: attributes)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            line = (try? String(decoding: encoder.encode(event), as: UTF8.self)) ?? "{}"
        } else {
            let described = attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            line = "\(time) container \(action) \(id) (\(described.joined(separator: ", ")))"
        }
        var bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeMutableBytes { write(1, $0.baseAddress, $0.count) }
    }
}
