import ArgumentParser

@main
struct Swiftstack: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftstack",
        abstract: "A daemonless, declarative multi-container orchestrator.",
        version: "0.1.0",
        subcommands: [ConfigCommand.self, PlanCommand.self, ImageCommand.self, ImageTagCommand.self]
    )
}
