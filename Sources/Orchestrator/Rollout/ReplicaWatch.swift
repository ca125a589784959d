import Foundation
import Planner
import StackFile

/// Watches new replicas of a rolling update: until they are ready (running, and healthy when
/// the service has a healthcheck), and then for the monitor period.
///
/// Health comes from the supervisor's records when `health` is given (the supervisor probes
/// and DNS follows its verdict); otherwise the watch probes itself through the engine, with
/// Docker's rule that `retries` failed probes in a row make a container unhealthy.
struct ReplicaWatch {
    let engine: any ContainerEngine
    let project: String
    let rule: HealthRule?
    let health: (@Sendable (String) -> HealthStatus?)?

    init(
        engine: any ContainerEngine, project: Project, service: String,
        health: (@Sendable (String) -> HealthStatus?)?
    ) {
        self.engine = engine
        self.project = project.name
        rule = project.services[service]?.healthcheck.flatMap(HealthRule.init)
        self.health = health
    }

    /// Longest wait for a new replica to become ready.
    var readyTimeout: Double {
        guard let rule else { return 10 }
        return rule.startPeriodSeconds + (rule.intervalSeconds + rule.timeoutSeconds) * Double(rule.retries + 1) + 10
    }

    /// Waits until each of `names` is ready or has failed; returns why each failed one failed.
    func awaitReady(_ names: [String]) -> [String: String] {
        var pending = Set(names)
        var failed: [String: String] = [:]
        var probes = ProbeState()
        let deadline = Date().addingTimeInterval(readyTimeout)
        while !pending.isEmpty {
            let states = statuses()
            for name in pending.sorted() {
                switch state(of: name, states[name], probes: &probes, readiness: true) {
                case .ready:
                    pending.remove(name)
                case .failed(let why):
                    pending.remove(name)
                    failed[name] = why
                case .pending:
                    break
                }
            }
            if pending.isEmpty { break }
            if Date() > deadline {
                for name in pending { failed[name] = "not ready after \(Int(readyTimeout)) s" }
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return failed
    }

    /// Watches `names` for `seconds`; returns those that exited or turned unhealthy, with why.
    func monitor(_ names: [String], seconds: Double) -> [String: String] {
        var failed: [String: String] = [:]
        var probes = ProbeState()
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let states = statuses()
            for name in names where failed[name] == nil {
                if case .failed(let why) = state(of: name, states[name], probes: &probes, readiness: false) {
                    failed[name] = why
                }
            }
            if failed.count == names.count { break }
            Thread.sleep(forTimeInterval: min(0.1, max(deadline.timeIntervalSinceNow, 0)))
        }
        return failed
    }

    private enum State {
        case ready, pending
        case failed(String)
    }

    /// Consecutive failed probes and the time of the last probe, per container.
    private struct ProbeState {
        var failures: [String: Int] = [:]
        var last: [String: Date] = [:]
    }

    private func statuses() -> [String: ObservedContainer.Status] {
        let containers = (try? engine.containers(project: project)) ?? []
        return Dictionary(containers.map { ($0.name, $0.status) }, uniquingKeysWith: { a, _ in a })
    }

    private func state(
        of name: String, _ status: ObservedContainer.Status?, probes: inout ProbeState, readiness: Bool
    ) -> State {
        switch status {
        case nil: return .failed("removed")
        case .dead: return .failed("its process is gone")
        case .exited(let code)?: return .failed("exited (code \(code.map(String.init) ?? "unknown"))")
        case .created?: return .pending
        case .running?: break
        }
        guard let rule else { return .ready }
        if let health {
            switch health(name) {
            case .healthy?: return .ready
            case .unhealthy?: return .failed("unhealthy")
            case .starting?, nil: return .pending
            }
        }
        // No supervisor: probe here, every interval (start_interval at first, as Docker does).
        let spacing = max(readiness ? min(rule.startIntervalSeconds, rule.intervalSeconds) : rule.intervalSeconds, 0.01)
        if let last = probes.last[name], Date().timeIntervalSince(last) < spacing { return .pending }
        probes.last[name] = Date()
        if engine.check(name, command: rule.command, timeoutSeconds: rule.timeoutSeconds) == 0 {
            probes.failures[name] = 0
            return .ready
        }
        probes.failures[name, default: 0] += 1
        return probes.failures[name]! >= rule.retries ? .failed("unhealthy (\(rule.retries) failed probes)") : .pending
    }
}
