import ArgumentParser
import Dispatch
import Foundation
import Glibc
import Orchestrator
import StackFile

/// `swiftstack reconcile`: apply the stack file, then keep the project converged in the
/// foreground until SIGTERM or SIGINT (for systemd units and CI background steps).
struct ReconcileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Apply the stack file and keep the project converged until stopped.")

    enum LogFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var global: GlobalOptions
    @OptionGroup var stack: StackOptions

    @Option(help: "Seconds between full resyncs (drift is also looked for every second).")
    var resync: Double = 30

    @Option(name: .customLong("log-format"), help: "text or json (one object per line).")
    var logFormat: LogFormat = .text

    @Flag(name: .customLong("down-on-exit"), help: "Tear the project down when stopped.")
    var downOnExit = false

    func run() throws {
        let options = stack
        let format = logFormat
        let reconciler = Reconciler(
            convergence: ProjectConvergence(stateRoot: global.stateRoot, runDirectory: global.runDirectory),
            resync: resync,
            load: {
                let loadOptions = LoadOptions(
                    files: options.files, projectName: options.projectName,
                    workingDirectory: FileManager.default.currentDirectoryPath, environment: Environment.all,
                    envFiles: options.envFiles, projectDirectory: options.projectDirectory)
                do {
                    return .success(try StackLoader.load(loadOptions).project)
                } catch let error as StackFileError {
                    return .failure(ReconcileLoadFailure(diagnostics: error.diagnostics.map(\.description)))
                } catch {
                    return .failure(ReconcileLoadFailure(diagnostics: ["\(error)"]))
                }
            },
            log: { record in Console.out((format == .json ? record.json : record.text) + "\n") })
        // SIGTERM and SIGINT end the loop after the convergence in progress.
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        var sources: [DispatchSourceSignal] = []
        for number in [SIGTERM, SIGINT] {
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { reconciler.stop() }
            source.resume()
            sources.append(source)
        }
        defer { for source in sources { source.cancel() } }
        let project: Project?
        do {
            project = try reconciler.run()
        } catch let error as OrchestratorError where error.code == .locked {
            Console.error("error: \(error)")
            throw ExitCode(1)
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(2)
        }
        guard downOnExit, let project else { return }
        let engine = RuntimeEngine(stateRoot: global.stateRoot, runDirectory: global.runDirectory)
        let lock = try ProjectLock(runDirectory: global.runDirectory, project: project.name)
        defer { withExtendedLifetime(lock) {} }
        SupervisorClient(stateRoot: global.stateRoot, runDirectory: global.runDirectory, project: project.name)
            .shutdown()
        _ = try Orchestrator(engine: engine, project: project).down()
    }
}
