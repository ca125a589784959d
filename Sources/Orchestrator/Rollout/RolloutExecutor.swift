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
        var outcome: Outcome = .completed
    }

    /// Runs the update; throws when it paused or was rolled back (the action failed).
    func run() throws {
        let update = try pass(rollout.outdated, strategy: rollout.update, to: executor, phase: "update")
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

    /// Replaces `names` with containers of `target`'s configuration.
    func pass(_ names: [String], strategy: RolloutStrategy, to target: Executor, phase: String) throws -> Pass {
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
                }
            }
            if !retired.isEmpty {
                executor.drain.drain(retired)
                for old in retired { try engine.remove(old, timeoutSeconds: timeout) }
                executor.drain.release(retired)
            }
            for pair in pairs where ready.contains(pair.new) {
                report(
                    strategy.order == .startFirst
                        ? "\(phase): \(pair.new) is ready; removed \(pair.old)" : "\(phase): replaced \(pair.new)")
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
                result.outcome = .paused(why)
                return result
            case .rollback:
                result.outcome = .rollback(why)
                return result
            }
        }
        if !progress.failures.isEmpty {
            report(
                "\(phase) of service \(service) went on despite failures of \(progress.failures.joined(separator: ", ")) (failure_action continue)"
            )
        }
        return result
    }

    private func stopTimeout(_ project: Project) -> Int {
        guard let grace = project.services[service]?.stopGracePeriod else { return 10 }
        return Int(grace.seconds.rounded(.up))
    }

    private func report(_ message: String) { events(.progress(action, message)) }
}
