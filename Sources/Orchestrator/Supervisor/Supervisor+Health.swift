import Foundation
import Runtime

extension Supervisor {
    /// Starts the probes that are due (each on a thread of its own: an exec may take up to its
    /// timeout), forgets containers that stopped, and saves `health.json` when it changed.
    func updateHealth(_ project: SupervisedProject, running: [Container], _ loop: inout LoopState) {
        let now = Date()
        var due:
            [(
                name: String, command: [String], timeout: Double, rule: HealthRule, startedAt: Date,
                record: HealthRecord
            )] = []
        let snapshot = shared.withLock { state -> [String: HealthRecord] in
            var kept: [String: HealthRecord] = [:]
            for container in running {
                guard let service = container.spec.labels[ProjectLabels.service],
                    let rule = project.service(service)?.health, let process = container.liveProcess
                else { continue }
                var record =
                    state.health[container.name]
                    ?? HealthRecord(containerID: container.id, processStart: process.startTime)
                if record.containerID != container.id || record.processStart != process.startTime {
                    record = HealthRecord(containerID: container.id, processStart: process.startTime)
                }
                kept[container.name] = record
                let startedAt = container.state.startedAt ?? now
                if !state.probing.contains(container.name) && record.isDue(now: now, startedAt: startedAt, rule: rule) {
                    state.probing.insert(container.name)
                    due.append((container.name, rule.command, rule.timeoutSeconds, rule, startedAt, record))
                }
            }
            state.health = kept
            return kept
        }
        for probe in due {
            Thread.detachNewThread { [self] in
                let probeStarted = Date()
                let code = engine.check(probe.name, command: probe.command, timeoutSeconds: probe.timeout)
                shared.withLock { state in
                    state.probing.remove(probe.name)
                    guard var record = state.health[probe.name], record.containerID == probe.record.containerID,
                        record.processStart == probe.record.processStart
                    else { return }
                    let before = record.status
                    record.record(
                        success: code == 0, elapsed: probeStarted.timeIntervalSince(probe.startedAt), rule: probe.rule,
                        at: probeStarted)
                    state.health[probe.name] = record
                    if before != record.status {
                        log("\(probe.name) is \(record.status.rawValue) (probe exit \(code))")
                    }
                }
            }
        }
        // Probe times change every probe; only status changes are worth a write.
        let statuses = snapshot.mapValues(\.status)
        if statuses != loop.savedHealth.mapValues(\.status) || snapshot.keys.sorted() != loop.savedHealth.keys.sorted()
        {
            do {
                try HealthFile.save(snapshot, to: paths.health)
                loop.savedHealth = snapshot
            } catch {
                log("saving \(paths.health) failed: \(error)")
            }
        }
    }
}
