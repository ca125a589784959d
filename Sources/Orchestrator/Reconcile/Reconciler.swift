import Foundation
import Planner
import Runtime
import StackFile

/// The long-running reconcile mode: applies the stack file, then keeps the project converged
/// until stopped — on every saved edit of the file (or its `.env` and `env_file`s), on drift
/// (a container, network or volume removed behind its back, seen within a second), and on a
/// periodic full resync.
///
/// Restarting containers that exit is the supervisor's job (restart policies, back-off); the
/// reconciler starts an exited container only when no policy will and nobody stopped it on
/// purpose (`ExitTriage`: a `restart: no` daemon killed behind its back), so it never fights
/// those rules.
public final class Reconciler: @unchecked Sendable {
    /// Loads the stack file: the project, or every diagnostic line when it is invalid.
    public typealias Loader = @Sendable () -> Result<Project, ReconcileLoadFailure>

    public let convergence: ProjectConvergence
    public let load: Loader
    public let resync: Double
    public let log: @Sendable (ReconcileRecord) -> Void
    /// How often drift is looked for between file changes.
    public var driftInterval: Double = 1
    private let stopRequested = LockedFlag()
    private var watcher: FileWatcher?
    /// Services whose last rolling update paused or was rolled back, with the definition that
    /// failed: left as they are until the file defines them differently.
    private var heldBack: [String: Service] = [:]
    /// Containers whose given-up restart policy was reported, with the run reported.
    private var reportedGiveUps: [String: String] = [:]

    public init(
        convergence: ProjectConvergence, resync: Double, load: @escaping Loader,
        log: @escaping @Sendable (ReconcileRecord) -> Void
    ) {
        self.convergence = convergence
        self.resync = resync
        self.load = load
        self.log = log
    }

    /// Ends `run` after the convergence in progress (from any thread, e.g. a signal handler's).
    public func stop() {
        stopRequested.set()
        watcher?.interrupt()
    }

    /// Runs until `stop`; returns the last valid project (for `--down-on-exit`).
    public func run() throws -> Project? {
        var project: Project?
        var paths: [String] = []
        var watcher: FileWatcher?
        // Watch before converging: an edit saved while a convergence runs must not be missed.
        func watch(_ loaded: Project) throws {
            let wanted = watchedFiles(loaded)
            guard wanted != paths || watcher == nil else { return }
            paths = wanted
            watcher = try FileWatcher(paths: wanted)
            self.watcher = watcher
        }
        var lock: ReconcileLock?
        defer { withExtendedLifetime(lock) {} }
        switch load() {
        case .success(let loaded):
            lock = try ReconcileLock(runDirectory: convergence.runDirectory, project: loaded.name)
            project = loaded
            try watch(loaded)
            converge(loaded, previous: nil, because: "start", asUp: true)
        case .failure(let failure):
            report(failure)
            throw OrchestratorError(.invalidPlan, "the stack file is invalid; fix it and start again")
        }
        var lastResync = Date()
        while !stopRequested.isSet, let watcher {
            let outcome = watcher.wait(timeout: driftInterval)
            // Monitors and removers this process started and ended meanwhile: no zombies.
            DetachedChildren.reapFinished()
            switch outcome {
            case .interrupted:
                continue
            case .changed:
                switch load() {
                case .success(let loaded):
                    let previous = project
                    project = loaded
                    try watch(loaded)
                    converge(loaded, previous: previous, because: "stack file changed")
                case .failure(let failure):
                    report(failure, project: project?.name)
                }
            case .timedOut:
                guard let current = project else { continue }
                if Date().timeIntervalSince(lastResync) >= resync {
                    lastResync = Date()
                    converge(current, previous: nil, because: "periodic resync", quietWhenNothingToDo: true)
                } else if let drift = drift(of: current) {
                    converge(current, previous: nil, because: "drift: \(drift)")
                }
            }
        }
        return project
    }

    /// The files whose change triggers a convergence: the stack files, `.env` beside the first,
    /// and every service's `env_file`.
    func watchedFiles(_ project: Project?) -> [String] {
        guard let project else { return [] }
        var paths = project.files
        if let first = project.files.first {
            paths.append(((first as NSString).deletingLastPathComponent as NSString).appendingPathComponent(".env"))
        }
        for service in project.services.values { paths += service.envFiles.map(\.path) }
        return paths
    }

    /// What is missing compared with the file, if anything (exited containers only when
    /// `ExitTriage` says they are ours to start).
    private func drift(of project: Project) -> String? {
        guard let plan = try? convergence.plan(project, options: options(for: project)) else { return nil }
        return plan.actions.first?.line
    }

    /// How the reconciler plans: the file is the whole truth (services removed from it go),
    /// services whose rolling update failed stay as they are until their definition changes,
    /// and only exited containers nothing else brings back are started (all of them with
    /// `asUp`, for the first convergence, as `up -d` would).
    private func options(for project: Project, asUp: Bool = false) -> PlanOptions {
        for (name, failed) in heldBack where project.services[name] != failed { heldBack[name] = nil }
        var options = PlanOptions(removeOrphans: true, heldBack: Set(heldBack.keys))
        if !asUp { options.exitedToStart = exitedToStart(project) }
        return options
    }

    /// The exited containers to start; reports (once per run) those whose restart policy gave up.
    private func exitedToStart(_ project: Project) -> Set<String> {
        let paths = SupervisorPaths(
            stateRoot: convergence.stateRoot, runDirectory: convergence.runDirectory, project: project.name)
        let containers = ContainerRuntime(root: convergence.stateRoot).list().filter {
            $0.spec.labels[ProjectLabels.project] == project.name
        }
        var start = Set<String>()
        let verdicts = ExitTriage(project: project, paths: paths).verdicts(containers)
        for (name, verdict) in verdicts {
            switch verdict {
            case .start:
                start.insert(name)
            case .gaveUp(let run, let message):
                guard reportedGiveUps[name] != run else { continue }
                reportedGiveUps[name] = run
                emitter(for: project.name)(ReconcileRecord(.info, message))
            case .leave:
                break
            }
        }
        for name in reportedGiveUps.keys where verdicts[name] == nil { reportedGiveUps[name] = nil }
        return start
    }

    private func converge(
        _ project: Project, previous: Project?, because reason: String, quietWhenNothingToDo: Bool = false,
        asUp: Bool = false
    ) {
        let log = self.emitter(for: project.name)
        if !quietWhenNothingToDo { log(ReconcileRecord(.converge, reason)) }
        let failedRollouts = LockedList()
        do {
            let plan = try convergence.converge(
                project, options: options(for: project, asUp: asUp), previous: previous,
                events: { event in
                    switch event {
                    case .finished(let action, _):
                        log(
                            ReconcileRecord(
                                .action, action.line, action: action.kind.rawValue, target: action.target,
                                reasons: action.reasons))
                    case .progress(let action, let message):
                        log(
                            ReconcileRecord(
                                .action, "\(action.target): \(message)", action: action.kind.rawValue,
                                target: action.target))
                    case .failed(let action, let error):
                        if action.kind == .rollOut { failedRollouts.append(action.target) }
                        log(
                            ReconcileRecord(
                                .error, "\(action.line): \(error)", action: action.kind.rawValue, target: action.target)
                        )
                    default:
                        break
                    }
                },
                waiting: { holder in
                    log(
                        ReconcileRecord(
                            .info, "waiting for the project's lock (held by pid \(holder.map(String.init) ?? "?"))"))
                })
            for warning in plan.warnings { log(ReconcileRecord(.info, "warning: \(warning)")) }
            if plan.isEmpty && !quietWhenNothingToDo { log(ReconcileRecord(.info, "nothing to do")) }
        } catch {
            log(ReconcileRecord(.error, "\(reason): \(error)"))
        }
        for service in failedRollouts.values {
            heldBack[service] = project.services[service]
            log(
                ReconcileRecord(
                    .info,
                    "service \(service) is held back after its failed rolling update until its definition changes"))
        }
    }

    /// Logs a record and appends it to the project's event log (for `swiftstack events`).
    private func emitter(for project: String) -> @Sendable (ReconcileRecord) -> Void {
        let log = self.log
        let events = ReconcileEventLog(stateRoot: convergence.stateRoot, project: project)
        return { record in
            log(record)
            events.append(record)
        }
    }

    private func report(_ failure: ReconcileLoadFailure, project: String? = nil) {
        let log = project.map { emitter(for: $0) } ?? self.log
        for line in failure.diagnostics { log(ReconcileRecord(.invalid, line + " (nothing was changed)")) }
    }
}

/// Why a stack file did not load: its diagnostics, one line each (`file:line:col: error: …`).
public struct ReconcileLoadFailure: Error, Sendable {
    public var diagnostics: [String]

    public init(diagnostics: [String]) { self.diagnostics = diagnostics }
}

/// Names appended from the executor's threads.
final class LockedList: @unchecked Sendable {
    private var items: [String] = []
    private let lock = NSLock()

    func append(_ item: String) { lock.withLock { items.append(item) } }
    var values: [String] { lock.withLock { items } }
}

/// A flag set from one thread and read from another.
final class LockedFlag: @unchecked Sendable {
    private var value = false
    private let lock = NSLock()

    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
