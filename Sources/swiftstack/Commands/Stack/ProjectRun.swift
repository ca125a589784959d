import ArgumentParser
import Foundation
import Glibc
import Orchestrator
import Runtime
import StackFile
import Synchronization

/// Signals `run SERVICE` received and has not yet passed on (the handler only records them).
let oneOffSignals = Mutex<[Int32]>([])

/// `run [--rm] [-e K=V] [--entrypoint CMD] [-T] [-d] SERVICE [CMD…]` in a project: a one-off
/// container `PROJECT-SERVICE-run-ID` of the service, after its dependencies are up and their
/// `depends_on` conditions hold; its output on ours, our signals passed on, its exit code ours.
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
            entrypoint: entrypoint.map { $0.split(separator: " ").map(String.init) }, environment: variables)
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
            try Orchestrator(engine: engine, project: project).runOneOff(
                service: service, oneOff, events: ProgressPrinter.print)
            _ = supervisor.send(.reload)
        } catch {
            Console.error("error: \(error)")
            return 125
        }
        if detach {
            print(containerName)
            return 0
        }
        let code = attach(containerName)
        if remove { try? engine.remove(containerName, timeoutSeconds: 10) }
        return code
    }

    /// Echoes the container's output until it exits, passing SIGINT/SIGTERM/SIGHUP on to it.
    private func attach(_ name: String) -> Int32 {
        let runtime = global.containerRuntime
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { received in oneOffSignals.withLock { $0.append(received) } }
        }
        var offset: UInt64 = 0
        while true {
            guard let container = try? runtime.container(name) else { return 125 }
            for sig in oneOffSignals.withLock({ pending in
                defer { pending = [] }
                return pending
            }) {
                try? runtime.kill(container.id, signal: sig)
            }
            let running = container.isRunning
            let (entries, next) = ContainerLogReader.read(path: container.logPath, from: offset)
            offset = next
            for entry in entries {
                var bytes = Array(entry.log.utf8)
                _ = bytes.withUnsafeMutableBytes { write(entry.stream == .stderr ? 2 : 1, $0.baseAddress, $0.count) }
            }
            if !running && entries.isEmpty {
                // The monitor records the exit code right after the process is reaped.
                if let code = container.state.exitCode { return code }
                if container.state.status != .running { return 255 }
            }
            usleep(50_000)
        }
    }

    private static func randomID() -> String {
        (0..<12).map { _ in String("0123456789abcdef".randomElement()!) }.joined()
    }
}
