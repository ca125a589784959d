import ArgumentParser
import Foundation
import Glibc
import Orchestrator
import Runtime
import StackFile

/// `run [--rm] [-e K=V] [--entrypoint CMD] [-T] [-d] SERVICE [CMD…]` in a project: a one-off
/// container `PROJECT-SERVICE-run-ID` of the service, after its dependencies are up and their
/// `depends_on` conditions hold. As in Compose, stdin is attached and a pseudo-terminal is
/// allocated when ours is a terminal (`-T` disables it); its output on ours, our signals passed
/// on, its exit code ours.
struct ProjectRun {
    let global: GlobalOptions
    let stack: StackOptions
    let service: String
    let command: [String]
    let environment: [String]
    let entrypoint: String?
    let name: String?
    let remove: Bool
    let detach: Bool
    /// `-T`: no pseudo-terminal even on a terminal.
    let noTTY: Bool

    /// Whether `run ARGUMENT` means a service: a project in sight that has a service of that name.
    static func applies(_ stack: StackOptions, service: String) -> Bool {
        guard ProjectPsView.applies(stack) else { return false }
        // Quietly: an image run beside a broken stack file must not print its diagnostics.
        let options = LoadOptions(
            files: stack.files, projectName: stack.projectName,
            workingDirectory: FileManager.default.currentDirectoryPath, environment: Environment.all,
            envFiles: stack.envFiles, projectDirectory: stack.projectDirectory)
        return (try? StackLoader.load(options).project.services[service]) != nil
    }

    func run() throws -> Int32 {
        let project = try stack.load().project
        let containerName = name ?? "\(project.name)-\(service)-run-\(Self.randomID())"
        var variables: [String: String] = [:]
        for entry in environment.compactMap(ContainerOptionParsing.expand) {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            variables[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        let oneOff = Orchestrator.OneOff(
            name: containerName, command: command.isEmpty ? nil : command,
            entrypoint: entrypoint.map { $0.split(separator: " ").map(String.init) }, environment: variables,
            tty: !detach && !noTTY && isatty(0) == 1 && isatty(1) == 1)
        let engine = RuntimeEngine(stateRoot: global.stateRoot, runDirectory: global.runDirectory)
        do {
            let lock = try ProjectLock(runDirectory: global.runDirectory, project: project.name) { holder in
                Console.error(LockHolder.waitingLine(project: project.name, holder: holder))
            }
            defer { withExtendedLifetime(lock) {} }
            let supervisor = SupervisorClient(
                stateRoot: global.stateRoot, runDirectory: global.runDirectory, project: project.name)
            // The one-off resolves the services by name through the supervisor's DNS; dependencies
            // need health too. It re-adopts whatever already runs.
            try supervisor.ensureRunning(SupervisedProject(project: project), wait: false)
            try Orchestrator(engine: engine, project: project).createOneOff(
                service: service, oneOff, events: ProgressPrinter.print)
            if detach { try engine.start(containerName) }
            _ = supervisor.send(.reload)
        } catch {
            Console.error("error: \(error)")
            return 125
        }
        if detach {
            print(containerName)
            return 0
        }
        defer { if remove { try? engine.remove(containerName, timeoutSeconds: 10) } }
        do {
            let state = try global.containerRuntime.runOwned(
                containerName, echo: true, stdin: 0, rawTerminal: oneOff.tty
            ) { pid in
                SignalForwarding.install(forwardingTo: pid)
            }
            return state.exitCode ?? 125
        } catch {
            Console.error("error: \(error)")
            return 125
        }
    }

    private static func randomID() -> String {
        (0..<12).map { _ in String("0123456789abcdef".randomElement()!) }.joined()
    }
}
