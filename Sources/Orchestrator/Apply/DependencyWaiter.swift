import Foundation
import Planner
import StackFile

/// Waits for one `depends_on` condition: a service's containers running, healthy, or exited 0.
struct DependencyWaiter {
    let engine: any ContainerEngine
    let project: Project
    let desired: DesiredState
    let timeout: Double

    func wait(for service: String, _ condition: Dependency.Condition, dependent: String) throws {
        let deadline = Date().addingTimeInterval(timeout)
        let names = Set(desired.containers(of: service).map(\.name))
        var healthy = Set<String>()
        var lastProbe: [String: Date] = [:]
        let started = Date()
        var deadSince: [String: Date] = [:]
        /// Whether `name` has been seen dead, without interruption, for more than `seconds`.
        func deadFor(_ name: String, longerThan seconds: Double) -> Bool {
            let since = deadSince[name] ?? Date()
            deadSince[name] = since
            return Date().timeIntervalSince(since) > seconds
        }
        while true {
            let states = try engine.containers(project: desired.project).filter { names.contains($0.name) }
            var satisfied = !states.isEmpty
            for container in states {
                if case .dead = container.status {} else { deadSince[container.name] = nil }
                switch (condition, container.status) {
                case (.serviceStarted, .running), (.serviceStarted, .exited):
                    continue
                case (.serviceCompletedSuccessfully, .exited(let code)) where code == 0:
                    continue
                case (.serviceCompletedSuccessfully, .exited(let code)):
                    throw OrchestratorError(
                        .dependencyFailed,
                        "service \(dependent) needs \(service) to complete successfully, but \(container.name) exited with code \(code.map(String.init) ?? "unknown")",
                        hint: "see `swiftstack logs \(service)`")
                case (.serviceHealthy, .running):
                    if healthy.contains(container.name) { continue }
                    satisfied = false
                    if isDue(lastProbe[container.name], since: started, service: service) {
                        lastProbe[container.name] = Date()
                        if try isHealthy(container.name, service: service) { healthy.insert(container.name) }
                    }
                case (_, .created), (.serviceCompletedSuccessfully, .running):
                    satisfied = false
                case (_, .dead) where !deadFor(container.name, longerThan: 2):
                    // Seen without its process and without a recorded exit: give the owner a
                    // moment to record it before calling the dependency failed.
                    satisfied = false
                default:
                    throw OrchestratorError(
                        .dependencyFailed,
                        "service \(dependent) needs \(service) (\(condition.rawValue)), but \(container.name) is \(describe(container.status))",
                        hint: "see `swiftstack logs \(service)`")
                }
            }
            if satisfied && (condition != .serviceHealthy || healthy.count == states.count) { return }
            if Date() > deadline {
                throw OrchestratorError(
                    .timeout, "service \(dependent) waited \(Int(timeout)) s for \(service) (\(condition.rawValue))",
                    hint: "see `swiftstack logs \(service)`")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Whether it is time for the next probe: `start_interval` during `start_period`, else `interval`.
    private func isDue(_ last: Date?, since started: Date, service: String) -> Bool {
        guard let last else { return true }
        let check = project.services[service]?.healthcheck ?? Healthcheck()
        let inStartPeriod = Date().timeIntervalSince(started) < check.startPeriod.seconds
        let interval = inStartPeriod ? check.startInterval.seconds : min(check.interval.seconds, 1)
        return Date().timeIntervalSince(last) >= max(interval, 0.1)
    }

    /// One probe of the service's healthcheck; a service without one counts as healthy once running.
    private func isHealthy(_ name: String, service: String) throws -> Bool {
        guard let check = project.services[service]?.healthcheck, !check.disable,
            let command = HealthProbe.command(check.test)
        else { return true }
        return engine.check(name, command: command, timeoutSeconds: check.timeout.seconds) == 0
    }

    private func describe(_ status: ObservedContainer.Status) -> String {
        switch status {
        case .created: "created but not started"
        case .running: "running"
        case .exited(let code): "exited (code \(code.map(String.init) ?? "unknown"))"
        case .dead: "dead (its process is gone)"
        }
    }
}

/// Compose's healthcheck `test` forms.
enum HealthProbe {
    /// The argv to exec for `test`, nil for `NONE` or no test.
    static func command(_ test: [String]?) -> [String]? {
        guard let test, let kind = test.first else { return nil }
        switch kind {
        case "NONE": return nil
        case "CMD": return Array(test.dropFirst())
        case "CMD-SHELL": return ["/bin/sh", "-c", test.dropFirst().joined(separator: " ")]
        default: return ["/bin/sh", "-c", test.joined(separator: " ")]
        }
    }
}
