import Runtime
import StackFile

/// Decides, for each exited container of a project, whether the reconciler starts it again.
///
/// The supervisor owns restarts: its restart policies, with back-off and `max_attempts`. The
/// reconciler only repairs what no policy will: a daemon (not a job) of a `restart: no`
/// service that exited without a `swiftstack stop`, e.g. killed with another tool. It leaves
/// alone a container stopped on purpose (a stop intent is recorded), a job (consumed by
/// `service_completed_successfully`, or `restart: no` and exited 0), and a container whose
/// policy still decides — including one whose policy gave up, which it reports once.
struct ExitTriage {
    /// What to do with one exited container.
    enum Verdict: Equatable {
        /// Exited behind our back and nothing brings it back: start it.
        case start
        /// Its restart policy gave up on its run (process start time): left stopped, with what
        /// to report.
        case gaveUp(run: String, message: String)
        /// Stopped on purpose, a finished job, or its policy's to decide: nothing to do.
        case leave
    }

    let project: Project
    let paths: SupervisorPaths

    /// Services that another service waits for to complete: jobs whatever their exit.
    var jobs: Set<String> {
        var names = Set<String>()
        for service in project.services.values {
            for (name, dependency) in service.dependsOn where dependency.condition == .serviceCompletedSuccessfully {
                names.insert(name)
            }
        }
        return names
    }

    /// Verdicts for the project's exited containers, by name.
    func verdicts(_ containers: [Container]) -> [String: Verdict] {
        let jobs = self.jobs
        let records = RestartFile.load(paths.restarts)
        var verdicts: [String: Verdict] = [:]
        for container in containers where container.state.status == .exited {
            guard let serviceName = container.spec.labels[ProjectLabels.service],
                !ProjectLabels.isOneOff(container.spec.labels), let service = project.services[serviceName]
            else { continue }
            verdicts[container.name] = verdict(
                container, rule: RestartRule(service), isJob: jobs.contains(serviceName),
                record: records[container.name])
        }
        return verdicts
    }

    func verdict(_ container: Container, rule: RestartRule, isJob: Bool, record: RestartRecord?) -> Verdict {
        if StopIntent.isRecorded(paths, container: container.id) { return .leave }
        let code = container.state.exitCode.map(Int.init)
        if isJob || (rule.condition == .never && code == 0) { return .leave }
        guard rule.condition == .never else {
            // The supervisor's: restarting (after its back-off), or given up on.
            let run = "\(container.state.pidStartTime ?? 0)"
            guard let record, record.containerID == container.id, record.gaveUp, record.handledRun == run else {
                return .leave
            }
            return .gaveUp(
                run: run,
                message: "\(container.name) exited (code \(code.map(String.init) ?? "unknown")); its restart policy "
                    + "(\(Self.spelling(rule.condition))) leaves it stopped, and so does the reconciler")
        }
        return .start
    }

    /// The condition as the stack file spells it.
    static func spelling(_ condition: RestartRule.Condition) -> String {
        switch condition {
        case .never: "no"
        case .always: "always"
        case .onFailure: "on-failure"
        case .unlessStopped: "unless-stopped"
        }
    }
}
