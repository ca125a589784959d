import Planner
import Runtime
import StackFile

/// One convergence of a project on its stack file, the way `up -d` does it: under the
/// project's lock, published ports checked first, the supervisor started (or told to reload),
/// the plan applied, the supervisor reloaded.
public struct ProjectConvergence: Sendable {
    public let stateRoot: String
    public let runDirectory: String
    /// The swiftstack executable for monitors and the supervisor.
    public let executable: String

    public init(stateRoot: String, runDirectory: String, executable: String = DetachedProcess.selfExecutable) {
        self.stateRoot = stateRoot
        self.runDirectory = runDirectory
        self.executable = executable
    }

    /// Applies `project`; returns the plan it applied.
    ///
    /// - Parameters:
    ///   - services, scale: as `up SERVICE… --scale SERVICE=N`.
    ///   - waiting: told when another command holds the project's lock.
    ///   - underLock: runs after the plan is applied, still holding the lock (so the supervisor's
    ///     restart policies stay off while `up --wait` judges what exited).
    @discardableResult
    public func converge(
        _ project: Project, services: [String] = [], scale: [String: Int] = [:], options: PlanOptions = PlanOptions(),
        previous: Project? = nil, events: @escaping @Sendable (Executor.Event) -> Void = { _ in },
        waiting: (Int32?) -> Void = { _ in },
        underLock: (Orchestrator) throws -> Void = { _ in }
    ) throws -> Plan {
        let lock = try ProjectLock(runDirectory: runDirectory, project: project.name, waiting: waiting)
        defer { withExtendedLifetime(lock) {} }
        let supervisor = SupervisorClient(stateRoot: stateRoot, runDirectory: runDirectory, project: project.name)
        let supervised = SupervisedProject(project: project)
        try supervised.checkPorts(held: supervisor.send(.status)?.ports ?? [])
        try supervisor.ensureRunning(supervised, executable: executable, wait: false)
        let engine = RuntimeEngine(stateRoot: stateRoot, runDirectory: runDirectory, monitorExecutable: executable)
        // Ports were checked first, so a taken port fails before anything is created; the
        // supervisor's start-up overlaps applying the plan, and it re-reads the project after.
        var orchestrator = Orchestrator(engine: engine, project: project)
        orchestrator.health = Self.supervisedHealth(paths: supervisor.paths, runtime: engine.runtime)
        orchestrator.drain = SupervisorDrain(paths: supervisor.paths)
        let plan = try orchestrator.up(
            services: services, scale: scale, options: options, previous: previous, events: events)
        if supervisor.send(.reload) == nil { try supervisor.awaitAnswer() }
        try underLock(orchestrator)
        return plan
    }

    /// A container's health as the supervisor recorded it for its current process.
    static func supervisedHealth(paths: SupervisorPaths, runtime: ContainerRuntime)
        -> @Sendable (String) -> HealthStatus?
    {
        { name in
            guard let record = HealthFile.load(paths.health)[name], let container = try? runtime.container(name),
                record.containerID == container.id, record.processStart == container.liveProcess?.startTime
            else { return nil }
            return record.status
        }
    }

    /// The plan `converge` would apply now, without applying it.
    public func plan(_ project: Project, options: PlanOptions = PlanOptions()) throws -> Plan {
        let engine = RuntimeEngine(stateRoot: stateRoot, runDirectory: runDirectory, monitorExecutable: executable)
        let desired = try DesiredState(project: project)
        let observed = try Observer(engine: engine).observe(
            project: project.name, images: desired.containers.map(\.image))
        return try Planner.up(desired, observed, options: options)
    }
}
