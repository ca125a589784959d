import ArgumentParser
import Foundation
import Orchestrator
import Planner
import Runtime
import StackFile

/// What the project-scoped verbs (`stop`, `kill`, `exec`, `start`, `restart`, `top`) share:
/// whether the arguments mean a project's services or the runtime's containers, and the
/// project's containers of the named services.
struct ProjectScope {
    let global: GlobalOptions
    let project: String
    /// The stack file's services in dependency order, when a stack file could be read.
    let serviceOrder: [String]

    /// Whether `arguments` address a project: `-p`/`--file` given, or a stack file in sight
    /// unless every argument names an existing container (the container view stays).
    static func applies(_ stack: StackOptions, arguments: [String], runtime: ContainerRuntime) -> Bool {
        if stack.projectName != nil || !stack.files.isEmpty { return true }
        guard ProjectPsView.applies(stack) else { return false }
        if arguments.isEmpty { return true }
        return !arguments.allSatisfy { (try? runtime.container($0)) != nil }
    }

    /// The project these options name (`-p` wins; else the stack file's name).
    static func resolve(_ stack: StackOptions, global: GlobalOptions) throws -> ProjectScope {
        if let name = stack.projectName, stack.files.isEmpty, !ProjectPsView.applies(stack) {
            return ProjectScope(global: global, project: name, serviceOrder: [])
        }
        let project = try stack.load().project
        let order = (try? DesiredState(project: project).serviceOrder) ?? project.services.keys.sorted()
        return ProjectScope(global: global, project: stack.projectName ?? project.name, serviceOrder: order)
    }

    /// The project's containers of `services` (all when empty), in dependency order then replica.
    /// An unknown service is an error naming the ones there are.
    func containers(_ services: [String]) throws -> [Container] {
        // One-offs (`run SERVICE`) are not the service's containers, as in Compose.
        let runtime = global.containerRuntime
        let all = runtime.list().filter {
            $0.spec.labels[ProjectLabels.project] == project && !ProjectLabels.isOneOff($0.spec.labels)
        }.map { runtime.settlingExit($0) }
        let known = Set(all.compactMap { $0.spec.labels[ProjectLabels.service] }).union(serviceOrder)
        for service in services where !known.contains(service) {
            ContainerCommandErrors.report(
                "no such service: \(service) in project \(project) (services: \(known.sorted().joined(separator: ", ")))"
            )
            throw ExitCode(1)
        }
        let rank = Dictionary(serviceOrder.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        return all.filter { services.isEmpty || services.contains(Self.service($0)) }.sorted { a, b in
            let (ra, rb) = (rank[Self.service(a)] ?? Int.max, rank[Self.service(b)] ?? Int.max)
            if ra != rb { return ra < rb }
            if Self.service(a) != Self.service(b) { return Self.service(a) < Self.service(b) }
            return Self.replica(a) < Self.replica(b)
        }
    }

    var paths: SupervisorPaths {
        SupervisorPaths(stateRoot: global.stateRoot, runDirectory: global.runDirectory, project: project)
    }

    /// Starts the project's supervisor again if it is gone (it re-adopts the containers), so
    /// restart policies and health apply to what this command starts.
    func ensureSupervisor() {
        let client = SupervisorClient(paths: paths)
        guard client.savedProject != nil, client.process == nil else { return }
        do { _ = try client.ensureRunning(nil, wait: false) } catch { Console.error("warning: \(error)") }
    }

    static func service(_ container: Container) -> String { container.spec.labels[ProjectLabels.service] ?? "" }
    static func replica(_ container: Container) -> Int { Int(container.spec.labels[ProjectLabels.index] ?? "") ?? 0 }

    /// Runs `body` for each container side by side; returns whether all succeeded.
    static func forEach(_ containers: [Container], _ body: @escaping @Sendable (Container) throws -> Void) -> Bool {
        let failures = FailureCount()
        BlockingParallel.forEach(containers.count) { index in
            do { try body(containers[index]) } catch {
                ContainerCommandErrors.report("\(containers[index].name): \(error)")
                failures.add()
            }
        }
        return failures.count == 0
    }
}

/// Failures counted across the threads of `ProjectScope.forEach`.
final class FailureCount: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func add() { lock.withLock { value += 1 } }
    var count: Int { lock.withLock { value } }
}
