import ArgumentParser
import Foundation
import Orchestrator
import Planner
import StackFile

/// `swiftstack up`: converge the project on its stack file.
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

    @Argument(help: "Services to start (with what they depend on); default: all.")
    var services: [String] = []

    func run() throws {
        guard detach || wait else {
            Console.error(
                "error: attached `up` (streaming logs) comes with the project supervisor; use `up -d` or `up --wait`")
            throw ExitCode(2)
        }
        let project = try stack.load().project
        var replicas: [String: Int] = [:]
        for entry in scale {
            let parts = entry.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let count = Int(parts[1]), count >= 0 else {
                Console.error("error: --scale \(entry): expected SERVICE=NUM")
                throw ExitCode(2)
            }
            replicas[String(parts[0])] = count
        }
        let lock = try ProjectLock(runDirectory: global.runDirectory, project: project.name) { holder in
            Console.error(
                "waiting for project \(project.name): another swiftstack (pid \(holder.map(String.init) ?? "?")) holds its lock"
            )
        }
        defer { withExtendedLifetime(lock) {} }
        let supervisor = SupervisorClient(
            stateRoot: global.stateRoot, runDirectory: global.runDirectory, project: project.name)
        let supervised = SupervisedProject(project: project)
        // Ports first, so that a taken port fails `up` before anything is created.
        do {
            try supervised.checkPorts(held: supervisor.send(.status)?.ports ?? [])
            // Its start-up overlaps applying the plan; names and ports follow within a tick.
            try supervisor.ensureRunning(supervised, wait: false)
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(1)
        }
        let orchestrator = Orchestrator(
            engine: RuntimeEngine(stateRoot: global.stateRoot, runDirectory: global.runDirectory), project: project)
        let options = PlanOptions(
            forceRecreate: forceRecreate, noRecreate: noRecreate, build: build, noBuild: noBuild,
            removeOrphans: removeOrphans)
        do {
            let plan = try orchestrator.up(
                services: services, scale: replicas, options: options, events: ProgressPrinter.print)
            for warning in plan.warnings { Console.error("warning: \(warning)") }
            // The supervisor re-reads the project now rather than at its next tick.
            if supervisor.send(.reload) == nil { try supervisor.awaitAnswer() }
            if wait { try orchestrator.waitUntilReady(timeoutSeconds: waitTimeout) }
        } catch let error as PlannerError {
            Console.error("error: \(error)")
            throw ExitCode(2)
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(1)
        }
    }
}
