import Foundation
import Planner
import StackFile

/// Performs a `roll-out` action: replaces a service's outdated replicas batch by batch, with
/// the waits, monitoring and failure handling the rollout's strategy asks for. The decisions
/// (batches, failure ratio, names of start-first replacements) are the planner's pure
/// `Rollout`, `RolloutStrategy` and `RolloutProgress`.
struct RolloutExecutor {
    let executor: Executor
    let action: Action
    let rollout: Rollout
    let events: @Sendable (Executor.Event) -> Void

    private var engine: any ContainerEngine { executor.engine }
    private var service: String { rollout.service }

    /// What one pass (the update, or its rollback) achieved.
    struct Pass {
        enum Outcome: Equatable {
            case completed
            case paused(String)
            case rollback(String)
        }
        /// The slots that now run the pass's configuration (new names for start-first).
        var updated: [String] = []
        /// Retired replicas kept stopped for a rollback, by the new replica that replaced each.
        var kept: [String: String] = [:]
        var outcome: Outcome = .completed
    }

    /// Runs the update; throws when it paused or was rolled back (the action failed).
    func run() throws {
        let update = try pass(
            rollout.outdated, strategy: rollout.update, to: executor, phase: "update",
            keepRetired: rollout.update.order == .startFirst && rollout.update.failureAction == .rollback)
        switch update.outcome {
        case .completed:
            return
        case .paused(let why):
            throw OrchestratorError(
                .rolloutFailed, "rolling update of service \(service) paused: \(why)",
                hint: "fix the service in the stack file and apply it again", container: service)
        case .rollback(let why):
            report("rolling back service \(service): \(why)")
            guard !update.updated.isEmpty else {
                throw OrchestratorError(
                    .rolloutFailed,
                    "rolling update of service \(service) rolled back: \(why); no replica had been replaced",
                    hint: "fix the service in the stack file and apply it again", container: service)
            }
            if update.updated.allSatisfy({ update.kept[$0] != nil }) {
                try restore(update.updated.map { ($0, update.kept[$0]!) }, strategy: rollout.rollback)
                throw OrchestratorError(
                    .rolloutFailed, "rolling update of service \(service) rolled back: \(why)",
                    hint: "fix the service in the stack file and apply it again", container: service)
            }
            for name in update.kept.values { try engine.remove(name, timeoutSeconds: stopTimeout(executor.project)) }
            guard let previous = executor.previous, previous.services[service] != nil,
                let previousDesired = try? DesiredState(project: previous)
            else {
                throw OrchestratorError(
                    .rolloutFailed,
                    "rolling update of service \(service) failed (\(why)) and cannot be rolled back: the previous "
                        + "configuration is unknown; \(update.updated.joined(separator: ", ")) keep the new one",
                    hint: "fix the service in the stack file and apply it again", container: service)
            }
            var back = Executor(engine: engine, project: previous, desired: previousDesired)
            back.stopTimeout = executor.stopTimeout
            back.health = executor.health
            back.drain = executor.drain
            // A failing rollback stops where it is: there is nothing older to return to.
            var strategy = rollout.rollback
            if strategy.failureAction == .rollback { strategy.failureAction = .pause }
            let result = try pass(update.updated, strategy: strategy, to: back, phase: "rollback")
            if case .paused(let failure) = result.outcome {
                throw OrchestratorError(
                    .rolloutFailed,
                    "rolling update of service \(service) failed (\(why)) and its rollback paused: \(failure)",
                    hint: "fix the service in the stack file and apply it again", container: service)
            }
            throw OrchestratorError(
                .rolloutFailed, "rolling update of service \(service) rolled back: \(why)",
                hint: "fix the service in the stack file and apply it again", container: service)
        }
    }

    /// Returns start-first replacements to the old replicas they retired, which were kept
    /// stopped: batch by batch, each old one started and ready before its replacement goes.
    private func restore(_ pairs: [(new: String, old: String)], strategy: RolloutStrategy) throws {
        let watch = ReplicaWatch(engine: engine, project: executor.project, service: service, health: executor.health)
        let timeout = executor.stopTimeout ?? stopTimeout(executor.project)
        let size = strategy.parallelism <= 0 ? max(pairs.count, 1) : strategy.parallelism
        for (number, start) in stride(from: 0, to: pairs.count, by: size).enumerated() {
            if number > 0 && strategy.delay > 0 { Thread.sleep(forTimeInterval: strategy.delay) }
            let batch = pairs[start..<min(start + size, pairs.count)]
            for pair in batch { try engine.start(pair.old) }
            let notReady = watch.awaitReady(batch.map(\.old))
            for pair in batch {
                report(
                    "rollback: restarted \(pair.old)\(notReady[pair.old].map { " (\($0))" } ?? ""); removing \(pair.new)"
                )
            }
            executor.drain.drain(batch.map(\.new))
            for pair in batch { try engine.remove(pair.new, timeoutSeconds: timeout) }
            executor.drain.release(batch.map(\.new))
        }
    }

    /// Replaces `names` with containers of `target`'s configuration.
    ///
    /// With `keepRetired` (a start-first update that may roll back), the replicas it retires
    /// are stopped instead of removed, so the rollback restarts them as they were; they go once
    /// the update stands.
    func pass(
        _ names: [String], strategy: RolloutStrategy, to target: Executor, phase: String, keepRetired keep: Bool = false
    ) throws -> Pass {
        var progress = RolloutProgress(strategy: strategy, total: names.count)
        var result = Pass()
        let watch = ReplicaWatch(engine: engine, project: target.project, service: service, health: executor.health)
        let timeout = executor.stopTimeout ?? stopTimeout(target.project)
        // Numbers of failed start-first replicas are not reused within the pass, so each
        // attempt has a name of its own in the log.
        var burned = Set<Int>()
        for (number, batch) in strategy.batches(of: names).enumerated() {
            if number > 0 && strategy.delay > 0 { Thread.sleep(forTimeInterval: strategy.delay) }
            let existing = try engine.containers(project: executor.desired.project)
            let olds = batch.filter { name in existing.contains { $0.name == name } }
            // (old, new) pairs of this batch.
            var pairs: [(old: String, new: String)] = []
            switch strategy.order {
            case .stopFirst:
                executor.drain.drain(olds)
                for old in olds { try engine.remove(old, timeoutSeconds: timeout) }
                executor.drain.release(olds)
                for old in olds {
                    try engine.create(try target.request(for: old))
                    pairs.append((old, old))
                }
            case .startFirst:
                var used = Set(
                    existing.compactMap { container -> Int? in
                        guard container.labels[ProjectLabels.service] == service else { return nil }
                        return container.labels[ProjectLabels.index].flatMap { Int($0) }
                    })
                used.formUnion(burned)
                for old in olds {
                    let index = RolloutProgress.freeIndex(used: used)
                    used.insert(index)
                    let name = "\(executor.desired.project)-\(service)-\(index)"
                    try engine.create(try target.request(for: name))
                    pairs.append((old, name))
                }
            }
            var started: [String] = []
            for pair in pairs {
                do {
                    try engine.start(pair.new)
                    started.append(pair.new)
                } catch {
                    _ = progress.fail(pair.new)
                    report("\(phase): \(pair.new) did not start: \(error)")
                }
            }
            for pair in pairs where strategy.order == .startFirst {
                report("\(phase): started \(pair.new) to replace \(pair.old)")
            }
            let notReady = watch.awaitReady(started)
            var ready: [String] = []
            var retired: [String] = []
            for pair in pairs {
                if let why = notReady[pair.new] ?? (started.contains(pair.new) ? nil : "did not start") {
                    _ = progress.fail(pair.new)
                    report("\(phase): \(pair.new) failed: \(why)")
                    if strategy.order == .startFirst {
                        // The old replica never stopped serving; the failed one goes.
                        try engine.remove(pair.new, timeoutSeconds: timeout)
                        if let dash = pair.new.lastIndex(of: "-"),
                            let index = Int(pair.new[pair.new.index(after: dash)...])
                        {
                            burned.insert(index)
                        }
                    } else {
                        result.updated.append(pair.new)
                    }
                } else {
                    ready.append(pair.new)
                    result.updated.append(pair.new)
                    if strategy.order == .startFirst { retired.append(pair.old) }
                    if keep { result.kept[pair.new] = pair.old }
                }
            }
            if !retired.isEmpty {
                executor.drain.drain(retired)
                for old in retired {
                    if keep {
                        try engine.stop(old, timeoutSeconds: timeout)
                    } else {
                        try engine.remove(old, timeoutSeconds: timeout)
                    }
                }
                executor.drain.release(retired)
            }
            for pair in pairs where ready.contains(pair.new) {
                report(
                    strategy.order == .startFirst
                        ? "\(phase): \(pair.new) is ready; \(keep ? "stopped (kept for a rollback)" : "removed") \(pair.old)"
                        : "\(phase): replaced \(pair.new)")
            }
            if progress.decision == .proceed && strategy.monitor > 0 && !ready.isEmpty {
                for (name, why) in watch.monitor(ready, seconds: strategy.monitor).sorted(by: { $0.key < $1.key }) {
                    _ = progress.fail(name)
                    report("\(phase): \(name) failed while monitored: \(why)")
                }
            }
            let why =
                "\(progress.failures.count) of \(names.count) new replica\(names.count == 1 ? "" : "s") failed "
                + "(\(progress.failures.joined(separator: ", "))), above max_failure_ratio \(strategy.maxFailureRatio)"
            switch progress.decision {
            case .proceed: continue
            case .pause:
                try removeKept(&result, timeout: timeout)
                result.outcome = .paused(why)
                return result
            case .rollback:
                result.outcome = .rollback(why)
                return result
            }
        }
        try removeKept(&result, timeout: timeout)
        if !progress.failures.isEmpty {
            report(
                "\(phase) of service \(service) went on despite failures of \(progress.failures.joined(separator: ", ")) "
                    + "(max_failure_ratio \(strategy.maxFailureRatio), failure_action \(strategy.failureAction.rawValue))"
            )
        }
        return result
    }

    /// Once the update stands, the replicas kept for a rollback go.
    private func removeKept(_ result: inout Pass, timeout: Int) throws {
        for old in result.kept.values.sorted() { try engine.remove(old, timeoutSeconds: timeout) }
        result.kept = [:]
    }

    private func stopTimeout(_ project: Project) -> Int {
        guard let grace = project.services[service]?.stopGracePeriod else { return 10 }
        return Int(grace.seconds.rounded(.up))
    }

    private func report(_ message: String) { events(.progress(action, message)) }
}
