import ArgumentParser

extension ExecCommand {
    /// `exec` with its common flags, parsed by hand (see `CommonFlagScan`); nil for anything
    /// else, and when no container is named.
    static func parseCommon(_ arguments: [String]) -> ExecCommand? {
        guard let scan = CommonFlagScan(arguments, grammar), let name = scan.positionals.first else { return nil }
        var index = 1
        if let text = scan.value("--index") {
            guard let number = Int(text) else { return nil }
            index = number
        }
        var command = ExecCommand()
        command.global = scan.global
        command.interactive = scan.flags.contains("--interactive")
        command.tty = scan.flags.contains("--tty")
        command.env = scan.all("--env")
        command.user = scan.value("--user")
        command.workdir = scan.value("--workdir")
        command.noTTY = scan.flags.contains("-T")
        command.index = index
        command.stack = scan.stack
        command.name = name
        command.command = Array(scan.positionals.dropFirst())
        return command
    }

    private static let grammar = CommonFlagScan.Grammar(
        booleans: ["--interactive", "--tty", "-T"], options: ["--env", "--user", "--workdir", "--index"],
        repeatable: ["--env"],
        aliases: ["-i": "--interactive", "-t": "--tty", "-e": "--env", "-u": "--user", "-w": "--workdir"],
        passthroughAfterFirst: true
    ).withStackOptions()
}
