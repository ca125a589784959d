import ArgumentParser

@main
struct Swiftstack: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftstack",
        abstract: "A daemonless, declarative multi-container orchestrator.",
        version: "0.1.0",
        subcommands: [
            ConfigCommand.self, PlanCommand.self, UpCommand.self, DownCommand.self, BuildCommand.self,
            ImageCommand.self, ImageTagCommand.self, RunCommand.self, PsCommand.self, LogsCommand.self,
            ExecCommand.self, StopCommand.self, KillCommand.self, RmCommand.self, InspectCommand.self,
            MonitorCommand.self, SuperviseCommand.self, ReconcileCommand.self, StartCommand.self,
            RestartCommand.self, TopCommand.self, EventsCommand.self, NetworkCommand.self,
        ]
    )
}
