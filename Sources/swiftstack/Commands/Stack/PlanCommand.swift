import ArgumentParser
import Foundation
import Orchestrator
import Planner
import StackFile

/// `swiftstack plan`: what `up` would do, and why, without doing it.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what `up` would change, and why, without changing anything.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var global: GlobalOptions
    @OptionGroup var stack: StackOptions

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @Flag(help: "Plan `down` instead of `up`.")
    var down = false

    @Flag(name: .customLong("force-recreate"), help: "Plan to recreate every container.")
    var forceRecreate = false

    @Flag(name: .customLong("no-recreate"), help: "Never recreate existing containers.")
    var noRecreate = false

    @Flag(help: "Plan to build every image that has a build section.")
    var build = false

    @Flag(name: .customLong("no-build"), help: "Never build; a missing image is an error.")
    var noBuild = false

    @Flag(name: .customLong("remove-orphans"), help: "Remove containers of services not in the file.")
    var removeOrphans = false

    @Flag(name: .customShort("v"), help: "With --down: remove named volumes too.")
    var volumes = false

    @Option(
        name: .customLong("observed"),
        help: ArgumentHelp("Read the actual state from this JSON file instead of the state store.", visibility: .hidden)
    )
    var observedFile: String?

    @Argument(help: "Services to plan (default: all).")
    var services: [String] = []

    func run() throws {
        let project = try stack.load().project
        let desired: DesiredState
        do {
            desired = try DesiredState(project: project, services: services)
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(2)
        }
        let observed = try observedState(project: project.name, images: desired.containers.map(\.image))
        let plan: Plan
        if down {
            plan = Planner.down(
                project: project.name, observed, desired: desired, removeVolumes: volumes,
                removeOrphans: removeOrphans)
        } else {
            let options = PlanOptions(
                forceRecreate: forceRecreate, noRecreate: noRecreate, build: build, noBuild: noBuild,
                removeOrphans: removeOrphans)
            do {
                plan = try Planner.up(desired, observed, options: options)
            } catch {
                Console.error("error: \(error)")
                throw ExitCode(2)
            }
        }
        Console.out(format == .json ? plan.json : plan.text)
    }

    /// The actual state: from the state store and the kernel, or from a file (tests).
    private func observedState(project: String, images: [String]) throws -> ObservedState {
        guard let observedFile else {
            let engine = RuntimeEngine(stateRoot: global.stateRoot, runDirectory: global.runDirectory)
            return try Observer(engine: engine).observe(project: project, images: images)
        }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: observedFile))
            return try JSONDecoder().decode(ObservedState.self, from: data)
        } catch {
            Console.error("error: cannot read the observed state from \(observedFile): \(error)")
            throw ExitCode(2)
        }
    }
}
