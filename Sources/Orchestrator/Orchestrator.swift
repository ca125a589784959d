import Foundation
import Planner
import StackFile

/// A project's reconciler: observe what runs, plan against the stack file, apply.
public struct Orchestrator: Sendable {
    public let engine: any ContainerEngine
    public let project: Project
    /// Health as the supervisor records it, for rolling updates (see `Executor.health`).
    public var health: (@Sendable (String) -> HealthStatus?)?
    /// How rolling updates take replicas out of rotation (see `Executor.drain`).
    public var drain: any ReplicaDrain = NoReplicaDrain()

    public init(engine: any ContainerEngine, project: Project) {
        self.engine = engine
        self.project = project
    }

    /// Converges the project on the stack file (`up -d`); returns the plan it applied.
    ///
    /// `previous` is the project applied before, which a failed rolling update returns to.
    public func up(
        services: [String] = [], scale: [String: Int] = [:], options: PlanOptions = PlanOptions(),
        previous: Project? = nil, events: @escaping @Sendable (Executor.Event) -> Void = { _ in }
    ) throws -> Plan {
        let desired = try DesiredState(project: project, services: services, scale: scale)
        try engine.collectLeftovers(project: project.name)
        let observed = try Observer(engine: engine).observe(
            project: project.name, images: desired.containers.map(\.image))
        let plan = try Planner.up(desired, observed, options: options)
        var executor = Executor(engine: engine, project: project, desired: desired)
        executor.previous = previous
        executor.health = health
        executor.drain = drain
        try executor.apply(plan, events: events)
        return plan
    }

    /// Removes the project's containers and networks (and volumes with `removeVolumes`).
    public func down(
        removeVolumes: Bool = false, removeOrphans: Bool = false, stopTimeout: Int? = nil,
        events: @escaping @Sendable (Executor.Event) -> Void = { _ in }
    ) throws -> Plan {
        let desired = try? DesiredState(project: project)
        try engine.collectLeftovers(project: project.name)
        let observed = try Observer(engine: engine).observe(project: project.name)
        let plan = Planner.down(
            project: project.name, observed, desired: desired, removeVolumes: removeVolumes,
            removeOrphans: removeOrphans)
        var executor = Executor(
            engine: engine, project: project,
            desired: desired
                ?? DesiredState(
                    project: project.name, containers: [], networks: [], volumes: [], serviceOrder: [])
        )
        executor.stopTimeout = stopTimeout
        try executor.apply(plan, events: events)
        return plan
    }

    /// Waits until every daemon runs (healthy where it has a healthcheck) and every job has
    /// exited 0 (`up --wait`); fails at once when a job fails, a daemon exits or turns
    /// unhealthy, with an error naming the container (`OrchestratorError.container`).
    ///
    /// A job is a service consumed by `service_completed_successfully`, or a `restart: no`
    /// service whose container exited 0. `health` reads a container's health as the supervisor
    /// recorded it for its current process (nil: not known yet, so probe here instead).
    ///
    /// `services` and `scale` select the containers as `up` did (default: every service).
    public func waitUntilReady(
        services: [String] = [], scale: [String: Int] = [:], timeoutSeconds: Double,
        health: @escaping @Sendable (String) -> HealthStatus? = { _ in nil }
    ) throws {
        let desired = try DesiredState(project: project, services: services, scale: scale)
        let jobs = Set(
            project.services.values.flatMap { service in
                service.dependsOn.filter { $0.value.condition == .serviceCompletedSuccessfully }.keys
            })
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        var lastProbe: [String: Date] = [:]
        var probedHealthy = Set<String>()
        var deadSince: [String: Date] = [:]
        while true {
            var pending: [String] = []
            let states = Dictionary(
                try engine.containers(project: project.name).map { ($0.name, $0.status) },
                uniquingKeysWith: { a, _ in a })
            for service in desired.serviceOrder {
                guard let definition = project.services[service] else { continue }
                let isJob = jobs.contains(service)
                for name in desired.containers(of: service).map(\.name) {
                    if case .dead? = states[name] {} else { deadSince[name] = nil }
                    switch states[name] {
                    case nil, .created:
                        pending.append(name)
                    case .exited(let code):
                        if code == 0 && (isJob || definition.restart == .no) { continue }
                        let what = isJob ? "job" : "service"
                        throw OrchestratorError(
                            .dependencyFailed,
                            "\(name) (\(what) \(service)) exited with code \(code.map(String.init) ?? "unknown") while up --wait waited for it",
                            hint: "see `swiftstack logs \(service)`", container: name)
                    case .dead:
                        // Seen without its process and without a recorded exit: give the owner
                        // a moment to record it before failing the wait.
                        let since = deadSince[name] ?? Date()
                        deadSince[name] = since
                        if Date().timeIntervalSince(since) <= 2 {
                            pending.append(name)
                            continue
                        }
                        throw OrchestratorError(
                            .dependencyFailed, "\(name) is dead (its process is gone) while up --wait waited for it",
                            hint: "see `swiftstack logs \(service)`", container: name)
                    case .running:
                        if isJob {
                            pending.append(name)
                            continue
                        }
                        guard let check = definition.healthcheck, !check.disable,
                            let command = HealthProbe.command(check.test)
                        else { continue }
                        switch health(name) {
                        case .healthy?: continue
                        case .unhealthy?:
                            throw OrchestratorError(
                                .dependencyFailed, "\(name) is unhealthy while up --wait waited for it",
                                hint: "see `swiftstack logs \(service)`", container: name)
                        case .starting?:
                            pending.append(name)
                        case nil:
                            // No record from the supervisor yet: probe here, at most every interval.
                            if probedHealthy.contains(name) { continue }
                            pending.append(name)
                            let spacing = max(min(check.interval.seconds, 1), 0.1)
                            if lastProbe[name].map({ Date().timeIntervalSince($0) >= spacing }) ?? true {
                                lastProbe[name] = Date()
                                if engine.check(name, command: command, timeoutSeconds: check.timeout.seconds) == 0 {
                                    probedHealthy.insert(name)
                                }
                            }
                        }
                    }
                }
            }
            if pending.isEmpty { return }
            if Date() > deadline {
                throw OrchestratorError(
                    .timeout,
                    "up --wait waited \(Int(timeoutSeconds)) s; not ready: \(pending.joined(separator: ", "))",
                    hint: "see `swiftstack ps` and `swiftstack logs`", container: pending.first)
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
}
