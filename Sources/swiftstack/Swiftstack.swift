import ArgumentParser
import Glibc

@main
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
    static func main() async {
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
        await main(nil)
    }

    private static func isHelpRequest(_ argument: String) -> Bool {
        argument == "-h" || argument == "--help" || argument == "help" || argument.hasPrefix("--experimental")
            || argument.hasPrefix("--generate-completion")
    }
}
