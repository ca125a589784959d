import ArgumentParser
import Foundation
import Orchestrator
import Planner
import Runtime
import StackFile

/// `swiftstack up`: converge the project on its stack file. With `-d` it returns once applied
/// (`--wait`: once ready); without, it stays attached to the containers' output (`AttachedUp`).
struct UpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up", abstract: "Create and start the project's networks, volumes and containers.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var stack: StackOptions

    @Flag(name: .shortAndLong, help: "Detached: return once everything is started.")
    var detach = false

    @Flag(help: "Wait until every service is running (healthy where it has a healthcheck) and every job has finished.")
    var wait = false

    @Option(name: .customLong("wait-timeout"), help: "Seconds --wait waits at most.")
    var waitTimeout: Double = 300

    @Flag(name: .customLong("force-recreate"), help: "Recreate containers even when their config is unchanged.")
    var forceRecreate = false

    @Flag(name: .customLong("no-recreate"), help: "Never recreate existing containers.")
    var noRecreate = false

    @Flag(help: "Build images before starting containers.")
    var build = false

    @Flag(name: .customLong("no-build"), help: "Never build; a missing image is an error.")
    var noBuild = false

    @Flag(name: .customLong("remove-orphans"), help: "Remove containers of services not in the stack file.")
    var removeOrphans = false

    @Option(help: "Scale SERVICE to NUM replicas (SERVICE=NUM; repeatable).")
    var scale: [String] = []

    @Flag(name: .customLong("abort-on-container-exit"), help: "Attached: stop the stack when any container exits.")
    var abortOnContainerExit = false

    @Flag(
        name: .customLong("abort-on-container-failure"),
        help: "Attached: stop the stack when a container exits with a non-zero code.")
    var abortOnContainerFailure = false

    @Option(
        name: .customLong("exit-code-from"),
        help: "Attached: exit with SERVICE's container's code (implies --abort-on-container-exit).")
    var exitCodeFrom: String?

    @Argument(help: "Services to start (with what they depend on); default: all.")
    var services: [String] = []

    func run() throws {
        let attached = !detach && !wait
        if !attached && (abortOnContainerExit || abortOnContainerFailure || exitCodeFrom != nil) {
            Console.error(
                "error: --abort-on-container-exit, --abort-on-container-failure and --exit-code-from need attached `up` (no -d, no --wait)"
            )
            throw ExitCode(2)
        }
        let project = try stack.load().project
        // Exits that happened before this command are not news to attached `up`.
        let finishedBefore = Set(
            global.containerRuntime.list().filter {
                $0.spec.labels[ProjectLabels.project] == project.name && !$0.isRunning
            }.map(AttachedUp.runKey))
        if let exitCodeFrom, project.services[exitCodeFrom] == nil {
            Console.error("error: --exit-code-from \(exitCodeFrom): no such service in project \(project.name)")
            throw ExitCode(2)
        }
        var replicas: [String: Int] = [:]
        for entry in scale {
            let parts = entry.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let count = Int(parts[1]), count >= 0 else {
                Console.error("error: --scale \(entry): expected SERVICE=NUM")
                throw ExitCode(2)
            }
            replicas[String(parts[0])] = count
        }
        let convergence = ProjectConvergence(stateRoot: global.stateRoot, runDirectory: global.runDirectory)
        let options = PlanOptions(
            forceRecreate: forceRecreate, noRecreate: noRecreate, build: build, noBuild: noBuild,
            removeOrphans: removeOrphans)
        let paths = SupervisorPaths(
            stateRoot: global.stateRoot, runDirectory: global.runDirectory, project: project.name)
        let runtime = global.containerRuntime
        do {
            let plan = try convergence.converge(
                project, services: services, scale: replicas, options: options, events: LiveProgress.handler(),
                waiting: { holder in Console.error(LockHolder.waitingLine(project: project.name, holder: holder)) },
                underLock: { orchestrator in
                    guard wait else { return }
                    // The supervisor probes anyway; its record counts when it is about the current process.
                    try orchestrator.waitUntilReady(services: services, scale: replicas, timeoutSeconds: waitTimeout) {
                        name in
                        guard let record = HealthFile.load(paths.health)[name],
                            let container = try? runtime.container(name),
                            record.containerID == container.id, record.processStart == container.liveProcess?.startTime
                        else { return nil }
                        return record.status
                    }
                })
            for warning in plan.warnings { Console.error("warning: \(warning)") }
        } catch let error as OrchestratorError where error.container != nil {
            Console.error("error: \(error)")
            printLastLines(of: error.container!)
            throw ExitCode(1)
        } catch let error as PlannerError {
            Console.error("error: \(error)")
            throw ExitCode(2)
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(1)
        }
        guard attached else { return }
        // The lock is released: the supervisor applies restart policies while we follow the logs.
        let code = AttachedUp(
            runtime: global.containerRuntime, stateRoot: global.stateRoot, runDirectory: global.runDirectory,
            project: project.name, abortOnExit: abortOnContainerExit, abortOnFailure: abortOnContainerFailure,
            exitCodeFrom: exitCodeFrom, finishedBefore: finishedBefore
        ).run()
        if code != 0 { throw ExitCode(code) }
    }

    /// A failed `--wait` shows what the container said last (Compose prints 20 lines too).
    private func printLastLines(of name: String) {
        guard let container = try? global.containerRuntime.container(name) else { return }
        let entries = ContainerLogReader.read(path: container.logPath).entries.suffix(20)
        guard !entries.isEmpty else { return }
        Console.error("last \(entries.count) log lines of \(name):")
        for entry in entries {
            let line = entry.log.hasSuffix("\n") ? String(entry.log.dropLast()) : entry.log
            Console.error("  \(name) | \(line)")
        }
    }
}
