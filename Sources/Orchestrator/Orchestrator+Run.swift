import Foundation
import Planner
import StackFile

extension Orchestrator {
    /// What `run SERVICE` changes about the service for its one-off container.
    public struct OneOff: Sendable {
        /// The container's name (Compose's `PROJECT-SERVICE-run-ID`).
        public var name: String
        /// Replaces the service's command when not nil.
        public var command: [String]?
        /// Replaces the service's entrypoint when not nil.
        public var entrypoint: [String]?
        /// Added to (and overriding) the service's environment.
        public var environment: [String: String]
        /// Whether the container gets a pseudo-terminal.
        public var tty: Bool

        public init(
            name: String, command: [String]?, entrypoint: [String]?, environment: [String: String], tty: Bool = false
        ) {
            self.name = name
            self.command = command
            self.entrypoint = entrypoint
            self.environment = environment
            self.tty = tty
        }
    }

    /// `run SERVICE`: brings the service's dependencies up (as `up` would), waits for their
    /// `depends_on` conditions, then creates a one-off container of the service on the project's
    /// networks. The caller starts it (detached, or owning it in the foreground with its stdin)
    /// and removes it (`--rm`).
    public func createOneOff(
        service name: String, _ oneOff: OneOff, events: @escaping @Sendable (Executor.Event) -> Void = { _ in }
    ) throws {
        guard var service = project.services[name] else {
            throw OrchestratorError(
                .notFound, "no such service: \(name) in project \(project.name)",
                hint: "services: \(project.services.keys.sorted().joined(separator: ", "))")
        }
        let dependencies = service.dependsOn.keys.filter { project.services[$0] != nil }.sorted()
        if !dependencies.isEmpty { _ = try up(services: dependencies, events: events) }
        let desired = try DesiredState(project: project, services: [name], scale: [name: 1])
        try preparePrerequisites(of: desired, events: events)
        let waiter = DependencyWaiter(engine: engine, project: project, desired: desired, timeout: 300)
        for (dependency, condition) in service.dependsOn.sorted(by: { $0.key < $1.key }) {
            guard !desired.containers(of: dependency).isEmpty else {
                if condition.required {
                    throw OrchestratorError(
                        .dependencyFailed, "service \(name) depends on \(dependency), which has no container to run")
                }
                continue
            }
            try waiter.wait(for: dependency, condition.condition, dependent: name)
        }
        guard let template = desired.containers(of: name).first else {
            throw OrchestratorError(.invalidPlan, "service \(name) has no container to model a one-off on")
        }
        var request = try Executor(engine: engine, project: project, desired: desired).request(for: template.name)
        request.desired.name = oneOff.name
        request.desired.index = 0
        if let command = oneOff.command { service.command = command }
        if let entrypoint = oneOff.entrypoint { service.entrypoint = entrypoint }
        service.environment.merge(oneOff.environment) { _, new in new }
        request.service = service
        request.tty = oneOff.tty
        try engine.create(request)
    }

    /// Creates what the one-off needs that no dependency brought: the service's networks and
    /// volumes and its image (a build). The service's own containers are left as they are.
    private func preparePrerequisites(
        of desired: DesiredState, events: @escaping @Sendable (Executor.Event) -> Void
    ) throws {
        let observed = try Observer(engine: engine).observe(
            project: project.name, images: desired.containers.map(\.image))
        var plan = try Planner.up(desired, observed)
        let kept: Set<Action.Kind> = [.createNetwork, .createVolume, .buildImage]
        plan.actions = plan.actions.filter { kept.contains($0.kind) }
        let ids = Set(plan.actions.map(\.id))
        for index in plan.actions.indices { plan.actions[index].dependsOn.removeAll { !ids.contains($0) } }
        guard !plan.isEmpty else { return }
        try Executor(engine: engine, project: project, desired: desired).apply(plan, events: events)
    }

    /// Removes the project's one-off containers (`down`): `up` never sees them.
    public func removeOneOffs() throws {
        for container in try engine.containers(project: project.name) where ProjectLabels.isOneOff(container.labels) {
            try engine.remove(container.name, timeoutSeconds: 10)
        }
    }
}
