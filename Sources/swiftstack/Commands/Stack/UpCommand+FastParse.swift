import ArgumentParser

extension UpCommand {
    /// `up` with its flags, parsed by hand (see `CommonFlagScan`); nil for anything else.
    static func parseCommon(_ arguments: [String]) -> UpCommand? {
        guard let scan = CommonFlagScan(arguments, grammar) else { return nil }
        var waitTimeout: Double = 300
        if let text = scan.value("--wait-timeout") {
            guard let seconds = Double(text) else { return nil }
            waitTimeout = seconds
        }
        var command = UpCommand()
        command.global = scan.global
        command.stack = scan.stack
        command.detach = scan.flags.contains("--detach")
        command.wait = scan.flags.contains("--wait")
        command.waitTimeout = waitTimeout
        command.forceRecreate = scan.flags.contains("--force-recreate")
        command.noRecreate = scan.flags.contains("--no-recreate")
        command.build = scan.flags.contains("--build")
        command.noBuild = scan.flags.contains("--no-build")
        command.removeOrphans = scan.flags.contains("--remove-orphans")
        command.scale = scan.all("--scale")
        command.abortOnContainerExit = scan.flags.contains("--abort-on-container-exit")
        command.abortOnContainerFailure = scan.flags.contains("--abort-on-container-failure")
        command.exitCodeFrom = scan.value("--exit-code-from")
        command.services = scan.positionals
        return command
    }

    private static let grammar = CommonFlagScan.Grammar(
        booleans: [
            "--detach", "--wait", "--force-recreate", "--no-recreate", "--build", "--no-build", "--remove-orphans",
            "--abort-on-container-exit", "--abort-on-container-failure",
        ],
        options: ["--wait-timeout", "--scale", "--exit-code-from"], repeatable: ["--scale"], aliases: ["-d": "--detach"]
    ).withStackOptions()
}
