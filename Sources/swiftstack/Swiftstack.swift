import ArgumentParser
import Dispatch
import Glibc

/// The entry point is synchronous on purpose. An `async` main parks the main thread in
/// `dispatch_main`, which ends it with `pthread_exit`: a forced unwind that, in the static
/// release binary, first sorts the unwind tables of the whole executable (~30 ms of CPU on every
/// command). The few `async` commands run on a task while the main thread waits for them.
@main
enum SwiftstackMain {
    static func main() {
        // A blocked signal mask is inherited through exec (a test runner's thread, some
        // supervisors): the commands that handle SIGINT/SIGTERM run on this thread and must
        // receive them.
        var none = sigset_t()
        sigemptyset(&none)
        sigprocmask(SIG_SETMASK, &none, nil)
        Swiftstack.main()
    }
}

struct Swiftstack: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "swiftstack",
        abstract: "A daemonless, declarative multi-container orchestrator.",
        version: version,
        subcommands: [
            ConfigCommand.self, PlanCommand.self, UpCommand.self, DownCommand.self, BuildCommand.self,
            ImageCommand.self, ImageTagCommand.self, RunCommand.self, PsCommand.self, LogsCommand.self,
            ExecCommand.self, StopCommand.self, KillCommand.self, RmCommand.self, InspectCommand.self,
            MonitorCommand.self, SuperviseCommand.self, ReconcileCommand.self, StartCommand.self,
            RestartCommand.self, TopCommand.self, EventsCommand.self, NetworkCommand.self,
        ]
    )

    /// The hot commands skip the root's parse: ArgumentParser reflects over every subcommand's
    /// arguments to parse at the root, and each first protocol-conformance lookup scans the whole
    /// (large) binary, several milliseconds in all. `--version` needs no parser; `run` parses its
    /// common flags by hand, else only its own arguments. Help, and anything the short path
    /// cannot parse, takes the full path, so messages and usage stay the root's.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments == ["--version"] {
            print(version)
            Glibc.exit(0)
        }
        if arguments.first == "run", !arguments.contains(where: isHelpRequest),
            let command = RunCommand.parseCommon(Array(arguments.dropFirst()))
                ?? (try? RunCommand.parse(Array(arguments.dropFirst())))
        {
            do {
                try command.run()
                Glibc.exit(0)
            } catch let code as ExitCode {
                // The container's own code: `exit(withError:)` would build the whole command
                // tree for a message it does not print.
                Glibc.exit(code.rawValue)
            } catch {
                Self.exit(withError: error)
            }
        }
        if let monitor = MonitorCommand.parseSpawned(arguments) {
            do {
                try monitor.run()
                Glibc.exit(0)
            } catch let code as ExitCode {
                Glibc.exit(code.rawValue)
            } catch {
                Self.exit(withError: error)
            }
        }
        do {
            var command = try parseAsSubcommand(arguments) ?? parseAsRoot(arguments)
            if let asynchronous = command as? AsyncParsableCommand {
                try runBlocking(asynchronous)
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
        Glibc.exit(0)
    }

    /// The subcommand `arguments` name, parsed by its own type: a root parse reflects over
    /// every subcommand's arguments (milliseconds per start). nil for help, an unknown name or
    /// anything the subcommand refuses: the root's parse then gives the messages and usage.
    private static func parseAsSubcommand(_ arguments: [String]) -> ParsableCommand? {
        guard let name = arguments.first, !arguments.contains(where: isHelpRequest) else { return nil }
        let rest = Array(arguments.dropFirst())
        // The commands CI loops run (`up -d --wait`, `exec`, `down`) in their common forms.
        let common: ParsableCommand? =
            switch name {
            case "exec": ExecCommand.parseCommon(rest)
            case "up": UpCommand.parseCommon(rest)
            case "down": DownCommand.parseCommon(rest)
            default: nil
            }
        if let common { return common }
        guard
            let subcommand = configuration.subcommands.first(where: {
                $0._commandName == name || $0.configuration.aliases.contains(name)
            })
        else { return nil }
        return try? subcommand.parseAsRoot(rest)
    }

    /// Runs an `async` command on a task and waits for it on this (the main) thread.
    private static func runBlocking(_ command: AsyncParsableCommand) throws {
        final class Outcome: @unchecked Sendable {
            var error: (any Error)?
            let done = DispatchSemaphore(value: 0)
        }
        struct Handoff: @unchecked Sendable { var command: AsyncParsableCommand }
        let outcome = Outcome()
        let handoff = Handoff(command: command)
        Task.detached {
            var command = handoff.command
            do { try await command.run() } catch { outcome.error = error }
            outcome.done.signal()
        }
        outcome.done.wait()
        if let error = outcome.error { throw error }
    }

    private static func isHelpRequest(_ argument: String) -> Bool {
        argument == "-h" || argument == "--help" || argument == "help" || argument.hasPrefix("--experimental")
            || argument.hasPrefix("--generate-completion")
    }
}
