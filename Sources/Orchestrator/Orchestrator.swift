import Foundation
import Planner
import StackFile

/// A project's reconciler: observe what runs, plan against the stack file, apply.
public struct Orchestrator: Sendable {
    public let engine: any ContainerEngine
    public let project: Project

    public init(engine: any ContainerEngine, project: Project) {
        self.engine = engine
        self.project = project
    }

    /// Converges the project on the stack file (`up -d`); returns the plan it applied.
    public func up(
        services: [String] = [], scale: [String: Int] = [:], options: PlanOptions = PlanOptions(),
        events: @escaping @Sendable (Executor.Event) -> Void = { _ in }
    ) throws -> Plan {
        let desired = try DesiredState(project: project, services: services, scale: scale)
        try engine.collectLeftovers(project: project.name)
        let observed = try Observer(engine: engine).observe(
            project: project.name, images: desired.containers.map(\.image))
        let plan = try Planner.up(desired, observed, options: options)
        try Executor(engine: engine, project: project, desired: desired).apply(plan, events: events)
        return plan
    }

    /// Removes the project's containers and networks (and volumes with `removeVolumes`).
    public func down(
        removeVolumes: Bool = false, removeOrphans: Bool = false,
        events: @escaping @Sendable (Executor.Event) -> Void = { _ in }
    ) throws -> Plan {
        let desired = try? DesiredState(project: project)
        try engine.collectLeftovers(project: project.name)
        let observed = try Observer(engine: engine).observe(project: project.name)
        let plan = Planner.down(
            project: project.name, observed, desired: desired, removeVolumes: removeVolumes,
            removeOrphans: removeOrphans)
        try Executor(
            engine: engine, project: project,
            desired: desired
                ?? DesiredState(
                    project: project.name, containers: [], networks: [], volumes: [], serviceOrder: [])
        )
        .apply(plan, events: events)
        return plan
    }

    /// Waits until every daemon runs (healthy where it has a healthcheck) and every job has
    /// exited 0 (`up --wait`); fails at once when a job fails or a daemon exits.
    public func waitUntilReady(timeoutSeconds: Double) throws {
        let desired = try DesiredState(project: project)
        let jobs = Set(
            project.services.values.flatMap { service in
                service.dependsOn.filter { $0.value.condition == .serviceCompletedSuccessfully }.keys
            })
        let waiter = { (service: String, condition: Dependency.Condition) in
            try DependencyWaiter(engine: engine, project: project, desired: desired, timeout: timeoutSeconds)
                .wait(for: service, condition, dependent: "up --wait")
        }
        for service in desired.serviceOrder {
            guard let definition = project.services[service] else { continue }
            if jobs.contains(service) {
                try waiter(service, .serviceCompletedSuccessfully)
            } else if let check = definition.healthcheck, !check.disable, HealthProbe.command(check.test) != nil {
                try waiter(service, .serviceHealthy)
            } else {
                try waiter(service, .serviceStarted)
                try requireRunningOrFinished(service, restart: definition.restart, desired: desired)
            }
        }
    }

    /// A daemon that exited fails `--wait`; a `restart: no` service that exited 0 is a job.
    private func requireRunningOrFinished(_ service: String, restart: RestartPolicy, desired: DesiredState) throws {
        let names = Set(desired.containers(of: service).map(\.name))
        for container in try engine.containers(project: project.name) where names.contains(container.name) {
            if case .exited(let code) = container.status, !(restart == .no && code == 0) {
                throw OrchestratorError(
                    .dependencyFailed,
                    "\(container.name) exited with code \(code.map(String.init) ?? "unknown") while up --wait waited for it",
                    hint: "see `swiftstack logs \(service)`")
            }
        }
    }
}
