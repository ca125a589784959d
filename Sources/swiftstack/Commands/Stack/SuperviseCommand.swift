import ArgumentParser
import Glibc
import Orchestrator

/// `swiftstack supervise -p PROJECT` (hidden): the project's supervisor — DNS, healthchecks,
/// restart policies, published ports. `up` starts it detached, in its own session, with its
/// log on fd 3; `down` stops it through its control socket.
struct SuperviseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supervise", abstract: "Supervise a project (internal; started by `up`).", shouldDisplay: false)

    @OptionGroup var global: GlobalOptions

    @Option(name: [.short, .customLong("project-name")], help: "The project to supervise.")
    var project: String

    @Option(name: .customLong("run"), help: "Runtime directory (default: $SWIFTSTACK_RUN or /run/swiftstack).")
    var runDirectory: String?

    func run() async throws {
        signal(SIGHUP, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        // `up` hands the log over as fd 3; output goes there, stdin stays /dev/null.
        if fcntl(3, F_GETFD) >= 0 {
            dup2(3, 1)
            dup2(3, 2)
            close(3)
        }
        let paths = SupervisorPaths(
            stateRoot: global.stateRoot, runDirectory: runDirectory ?? global.runDirectory, project: project)
        do {
            try await Supervisor(paths: paths).run()
        } catch {
            Console.error("supervisor of \(project): \(error)")
            throw ExitCode(1)
        }
    }
}
