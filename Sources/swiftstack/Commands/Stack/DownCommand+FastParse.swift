import ArgumentParser

extension DownCommand {
    /// `down` with its flags, parsed by hand (see `CommonFlagScan`); nil for anything else.
    static func parseCommon(_ arguments: [String]) -> DownCommand? {
        guard let scan = CommonFlagScan(arguments, grammar), scan.positionals.isEmpty else { return nil }
        var command = DownCommand()
        command.global = scan.global
        command.stack = scan.stack
        command.volumes = scan.flags.contains("--volumes")
        command.removeOrphans = scan.flags.contains("--remove-orphans")
        command.rmi = nil
        if let text = scan.value("--rmi") {
            guard let removal = ImageRemoval(rawValue: text) else { return nil }
            command.rmi = removal
        }
        command.timeout = nil
        if let text = scan.value("--timeout") {
            guard let seconds = Int(text) else { return nil }
            command.timeout = seconds
        }
        return command
    }

    private static let grammar = CommonFlagScan.Grammar(
        booleans: ["--volumes", "--remove-orphans"], options: ["--rmi", "--timeout"],
        aliases: ["-v": "--volumes", "-t": "--timeout"]
    ).withStackOptions()
}
