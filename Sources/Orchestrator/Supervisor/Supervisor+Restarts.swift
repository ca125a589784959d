import Foundation
import Runtime

extension Supervisor {
    /// Applies each service's restart policy to its exited containers, with back-off, and
    /// saves what it did in `restarts.json` so a later supervisor neither forgets nor repeats.
    /// Not called while `up` or `down` holds the project lock (they stop containers on purpose).
    func applyRestartPolicies(_ project: SupervisedProject, containers: [Container], _ loop: inout LoopState) {
        let now = Date()
        var changed = false
        let names = Set(containers.map(\.name))
        for name in loop.restarts.keys where !names.contains(name) {
            loop.restarts[name] = nil
            changed = true
        }
        for container in containers {
            guard let service = container.spec.labels[ProjectLabels.service],
                let rule = project.service(service)?.restart
            else { continue }
            if let process = container.liveProcess {
                StopIntent.clear(paths, container: container.id, unless: process.startTime)
                continue
            }
            guard container.state.status == .exited, rule.condition != .never else { continue }
            if StopIntent.isRecorded(paths, container: container.id) { continue }
            var record = loop.restarts[container.name] ?? RestartRecord(containerID: container.id)
            if record.containerID != container.id { record = RestartRecord(containerID: container.id) }
            let exit = container.state.finishedAt ?? container.state.startedAt ?? container.state.createdAt
            // The process start time names the run: exits within one second look alike by date.
            let run = "\(container.state.pidStartTime ?? 0)"
            if record.handledRun != run {
                let ranFor = container.state.startedAt.map { exit.timeIntervalSince($0) }
                let code = container.state.exitCode.map(Int.init)
                if record.schedule(run: run, ranFor: ranFor, exitCode: code, rule: rule, now: now) {
                    log(
                        "\(container.name) exited (code \(code.map(String.init) ?? "unknown")); restarting in \(String(format: "%.1f", record.dueAt!.timeIntervalSince(now))) s"
                    )
                } else {
                    log(
                        "\(container.name) exited (code \(code.map(String.init) ?? "unknown")); restart policy \(rule.condition.rawValue) leaves it stopped"
                    )
                }
                loop.restarts[container.name] = record
                changed = true
            }
            guard let due = record.dueAt, due <= now else { continue }
            record.restarted(at: now)
            loop.restarts[container.name] = record
            changed = true
            do {
                // Its monitor is our child, reaped once it ends (`DetachedChildren`).
                try engine.start(container.name)
                log("restarted \(container.name) (restart \(record.restarts.count))")
            } catch {
                // The failed start counts as an attempt; the next exit time is now.
                log("restarting \(container.name) failed: \(error)")
                _ = record.schedule(run: run, ranFor: 0, exitCode: nil, rule: rule, now: now)
                loop.restarts[container.name] = record
            }
        }
        if changed {
            do { try RestartFile.save(loop.restarts, to: paths.restarts) } catch {
                log("saving \(paths.restarts) failed: \(error)")
            }
        }
    }
}
