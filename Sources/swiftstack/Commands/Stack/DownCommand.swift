import ArgumentParser
import Foundation
import Orchestrator
import StackFile

/// `swiftstack down`: stop and remove the project's containers and networks.
struct DownCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down", abstract: "Stop and remove the project's containers and networks (and volumes with -v).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var stack: StackOptions

    @Flag(name: [.short, .customLong("volumes")], help: "Remove named volumes too.")
    var volumes = false

    @Flag(name: .customLong("remove-orphans"), help: "Remove containers of services not in the stack file.")
    var removeOrphans = false

    func run() throws {
        let project: Project
        var orphans = removeOrphans
        do {
            project = try stack.load().project
        } catch {
            // `down -p NAME` still removes what runs when the stack file is gone or unreadable:
            // everything it needs is in the containers' labels and the resource records.
            guard let name = stack.projectName else { throw error }
            Console.error("warning: removing project \(name) by what it runs, without its stack file")
            project = Project(name: name, workingDirectory: FileManager.default.currentDirectoryPath)
            // With no stack file every service is unknown, hence an orphan.
            orphans = true
        }
        let lock = try ProjectLock(runDirectory: global.runDirectory, project: project.name) { holder in
            Console.error(LockHolder.waitingLine(project: project.name, holder: holder))
        }
        defer { withExtendedLifetime(lock) {} }
        // The supervisor goes first, so it neither restarts nor answers for what is removed next.
        SupervisorClient(stateRoot: global.stateRoot, runDirectory: global.runDirectory, project: project.name)
            .shutdown()
        let orchestrator = Orchestrator(
            engine: RuntimeEngine(stateRoot: global.stateRoot, runDirectory: global.runDirectory), project: project)
        do {
            // One-off containers first: the plan does not see them, and they hold addresses on its networks.
            try orchestrator.removeOneOffs()
            let plan = try orchestrator.down(
                removeVolumes: volumes, removeOrphans: orphans, events: LiveProgress.handler())
            for warning in plan.warnings { Console.error("warning: \(warning)") }
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(1)
        }
    }
}
