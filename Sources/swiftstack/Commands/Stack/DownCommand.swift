import ArgumentParser
import Foundation
import Images
import Orchestrator
import Planner
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

    enum ImageRemoval: String, ExpressibleByArgument, CaseIterable { case local, all }

    @Option(
        help: "Remove images used by services: local (only those without a custom tag from `image:`) or all.")
    var rmi: ImageRemoval?

    @Option(name: [.short, .customLong("timeout")], help: "Seconds to wait for each container to stop before SIGKILL.")
    var timeout: Int?

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
                removeVolumes: volumes, removeOrphans: orphans, stopTimeout: timeout, events: LiveProgress.handler())
            for warning in plan.warnings { Console.error("warning: \(warning)") }
            if let rmi { try removeImages(of: project, rmi) }
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(1)
        }
    }

    /// `--rmi`: the services' images, as Compose removes them; one that another container
    /// still uses is kept with a warning.
    private func removeImages(of project: Project, _ scope: ImageRemoval) throws {
        let store = try global.openImageStore()
        let inUse = ContainerImageUsage.imageIDs(stateRoot: global.stateRoot, store: store)
        var references = Set<String>()
        for service in project.services.values {
            // `local`: only images named after the project (a build without `image:`).
            if scope == .local && service.image != nil { continue }
            references.insert(DesiredState.imageReference(service, project: project))
        }
        for reference in references.sorted() {
            do {
                try store.remove(reference, inUse: inUse)
                Console.error("  ✔ - remove image \(reference)")
            } catch  where error.code == .notFound {
                continue
            } catch {
                Console.error("warning: image \(reference) kept: \(error)")
            }
        }
    }
}
