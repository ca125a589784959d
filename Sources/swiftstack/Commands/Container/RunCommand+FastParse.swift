import ArgumentParser

extension RunCommand {
    /// `run` with its common flags, parsed by hand (see `CommonFlagScan`). Returns nil for
    /// anything else, and when no image is given: the full parser then handles it.
    static func parseCommon(_ arguments: [String]) -> RunCommand? {
        guard let scan = CommonFlagScan(arguments, grammar), let image = scan.positionals.first else { return nil }
        var command = RunCommand()
        command.global = scan.global
        command.rm = scan.flags.contains("--rm")
        command.detach = scan.flags.contains("--detach")
        command.name = scan.value("--name")
        command.env = scan.all("--env")
        command.envFile = []
        command.volume = []
        command.tmpfs = []
        command.workdir = scan.value("--workdir")
        command.user = scan.value("--user")
        command.hostname = scan.value("--hostname")
        command.network = scan.value("--network")
        command.networkAlias = []
        command.publish = []
        command.memory = nil
        command.cpus = nil
        command.pidsLimit = nil
        command.readOnly = scan.flags.contains("--read-only")
        command.capAdd = []
        command.capDrop = []
        command.`init` = scan.flags.contains("--init")
        command.interactive = scan.flags.contains("--interactive")
        command.tty = scan.flags.contains("--tty")
        command.entrypoint = scan.value("--entrypoint")
        command.stopTimeout = nil
        command.noTTY = false
        command.files = []
        command.projectName = nil
        command.image = image
        command.command = Array(scan.positionals.dropFirst())
        return command
    }

    private static let grammar = CommonFlagScan.Grammar(
        booleans: ["--rm", "--detach", "--interactive", "--tty", "--init", "--read-only"],
        options: ["--name", "--env", "--workdir", "--user", "--hostname", "--network", "--entrypoint", "--root"],
        repeatable: ["--env"],
        aliases: [
            "-d": "--detach", "-e": "--env", "-w": "--workdir", "-u": "--user", "-i": "--interactive", "-t": "--tty",
        ],
        passthroughAfterFirst: true)
}
