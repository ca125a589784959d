import Foundation
import Planner
import StackFile

/// Applies a plan through an engine: wave by wave, the actions of a wave in parallel, each
/// container waiting for its `depends_on` conditions before it is created or started.
public struct Executor: Sendable {
    /// What happened to one action, for progress display.
    public enum Event: Sendable {
        case started(Action)
        case finished(Action, seconds: Double)
        case failed(Action, OrchestratorError)
        case skipped(Action, because: String)
        case waiting(Action, for: String)
        /// A step of a long action (a rolling update's replicas), in words.
        case progress(Action, String)
    }

    public let engine: any ContainerEngine
    public let project: Project
    public let desired: DesiredState
    /// Longest wait for one `depends_on` condition.
    public var conditionTimeout: Double = 300
    /// Seconds between the stop signal and SIGKILL for every container (`down -t`); nil: each
    /// service's `stop_grace_period`, else 10.
    public var stopTimeout: Int?
    /// The configuration a failed rolling update returns to (the project applied before).
    public var previous: Project?
    /// A container's health as the supervisor records it for its current process (nil: not
    /// known yet). Without it, rolling updates probe healthchecks themselves.
    public var health: (@Sendable (String) -> HealthStatus?)?
    /// Takes replicas out of DNS and port rotation before a rolling update stops them.
    public var drain: any ReplicaDrain = NoReplicaDrain()

    public init(engine: any ContainerEngine, project: Project, desired: DesiredState) {
        self.engine = engine
        self.project = project
        self.desired = desired
    }

    /// Applies `plan`; reports every action through `events`; throws the first failure after
    /// the actions that did not depend on it have finished.
    public func apply(_ plan: Plan, events: @escaping @Sendable (Event) -> Void = { _ in }) throws {
        let outcomes = Outcomes()
        for wave in plan.waves {
            BlockingParallel.forEach(wave.count) { index in
                let action = wave[index]
                if let blocker = action.dependsOn.first(where: { outcomes.hasFailed($0) }) {
                    outcomes.skip(action.id)
                    events(.skipped(action, because: "action \(blocker) failed"))
                    return
                }
                let start = Date()
                events(.started(action))
                do {
                    try perform(action, events: events)
                    events(.finished(action, seconds: Date().timeIntervalSince(start)))
                    CrashInjection.afterAction(action.id)
                } catch {
                    let failure = OrchestratorError.wrap(error, action: action)
                    outcomes.fail(action.id, failure)
                    events(.failed(action, failure))
                }
            }
        }
        if let failure = outcomes.firstFailure { throw failure }
    }

    private func perform(_ action: Action, events: @Sendable (Event) -> Void) throws {
        let stopTimeout = { (service: String?) -> Int in
            if let override = self.stopTimeout { return override }
            guard let service, let grace = project.services[service]?.stopGracePeriod else { return 10 }
            return Int(grace.seconds.rounded(.up))
        }
        switch action.kind {
        case .createNetwork:
            let network = try desiredNetwork(action.target)
            try engine.createNetwork(
                network.name, project: desired.project, fields: network.fields, configHash: network.configHash)
        case .removeNetwork:
            try engine.removeNetwork(action.target)
        case .createVolume:
            let volume = try desiredVolume(action.target)
            try engine.createVolume(
                volume.name, project: desired.project, fields: volume.fields, configHash: volume.configHash)
        case .removeVolume:
            try engine.removeVolume(action.target)
        case .buildImage:
            guard let service = action.service, let build = project.services[service]?.build else {
                throw OrchestratorError(
                    .invalidPlan, "the plan builds \(action.target), but no service with a build: section wants it",
                    hint: "plan again")
            }
            try engine.buildImage(action.target, build: build)
        case .createContainer:
            try waitForDependencies(of: action, events: events)
            try engine.create(try request(for: action.target))
        case .startContainer:
            try waitForDependencies(of: action, events: events)
            try engine.start(action.target)
        case .stopContainer:
            try engine.stop(action.target, timeoutSeconds: stopTimeout(action.service))
        case .removeContainer:
            try engine.remove(action.target, timeoutSeconds: stopTimeout(action.service))
        case .recreateContainer:
            try waitForDependencies(of: action, events: events)
            let request = try request(for: action.target)
            try engine.remove(action.target, timeoutSeconds: stopTimeout(action.service))
            try engine.create(request)
            try engine.start(action.target)
        case .updateContainer:
            let limits = project.services[action.service ?? ""]?.deploy?.limits ?? ResourceLimits()
            try engine.update(action.target, limits: limits)
        case .restartContainer:
            try engine.stop(action.target, timeoutSeconds: stopTimeout(action.service))
            try waitForDependencies(of: action, events: events)
            try engine.start(action.target)
        case .rollOut:
            guard let rollout = action.rollout else {
                throw OrchestratorError(.invalidPlan, "the plan rolls out \(action.target) without saying how")
            }
            try waitForDependencies(of: action, events: events)
            try withoutActuallyEscaping(events) { events in
                try RolloutExecutor(executor: self, action: action, rollout: rollout, events: events).run()
            }
        }
    }

    private func desiredNetwork(_ name: String) throws -> DesiredNetwork {
        guard let network = desired.networks.first(where: { $0.name == name }) else {
            throw OrchestratorError(
                .invalidPlan, "the plan names network \(name), which the stack file does not declare")
        }
        return network
    }

    private func desiredVolume(_ name: String) throws -> DesiredVolume {
        guard let volume = desired.volumes.first(where: { $0.name == name }) else {
            throw OrchestratorError(
                .invalidPlan, "the plan names volume \(name), which the stack file does not declare")
        }
        return volume
    }

    /// The creation request of the container the plan calls `name`.
    func request(for name: String) throws -> ContainerRequest {
        guard let container = desired.containers.first(where: { $0.name == name }) ?? renamed(name),
            let service = project.services[container.service]
        else {
            throw OrchestratorError(
                .invalidPlan, "the plan names container \(name), which the stack file does not ask for")
        }
        var namespaceOf: String?
        if let target = container.namespaceService {
            namespaceOf = desired.containers(of: target).first?.name
        } else if let target = container.namespaceContainer {
            namespaceOf = target
        }
        return ContainerRequest(project: project, service: service, desired: container, namespaceOf: namespaceOf)
    }

    /// A replica the planner kept under another number than the desired list (`PROJECT-SERVICE-N`).
    private func renamed(_ name: String) -> DesiredContainer? {
        let prefix = "\(desired.project)-"
        guard name.hasPrefix(prefix), let dash = name.lastIndex(of: "-"),
            let index = Int(name[name.index(after: dash)...])
        else { return nil }
        let service = String(name[name.index(name.startIndex, offsetBy: prefix.count)..<dash])
        guard var template = desired.containers(of: service).first else { return nil }
        template.name = name
        template.index = index
        return template
    }

    /// Blocks until every `depends_on` condition of the action's service holds.
    private func waitForDependencies(of action: Action, events: @Sendable (Event) -> Void) throws {
        guard let serviceName = action.service, let service = project.services[serviceName] else { return }
        for (dependency, condition) in service.dependsOn.sorted(by: { $0.key < $1.key }) {
            guard project.services[dependency] != nil, !desired.containers(of: dependency).isEmpty else {
                if condition.required {
                    throw OrchestratorError(
                        .dependencyFailed,
                        "service \(serviceName) depends on \(dependency), which is not part of this run")
                }
                continue
            }
            events(.waiting(action, for: "\(dependency) (\(condition.condition.rawValue))"))
            try DependencyWaiter(engine: engine, project: project, desired: desired, timeout: conditionTimeout)
                .wait(for: dependency, condition.condition, dependent: serviceName)
        }
    }
}

/// Which actions failed (or were skipped because one they needed failed), shared by the
/// threads of a wave.
final class Outcomes: @unchecked Sendable {
    private var failed = Set<Int>()
    private var first: OrchestratorError?
    private let lock = NSLock()

    func fail(_ id: Int, _ error: OrchestratorError) {
        lock.withLock {
            failed.insert(id)
            if first == nil { first = error }
        }
    }

    func skip(_ id: Int) { lock.withLock { _ = failed.insert(id) } }
    func hasFailed(_ id: Int) -> Bool { lock.withLock { failed.contains(id) } }
    var firstFailure: OrchestratorError? { lock.withLock { first } }
}
