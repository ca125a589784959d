import ArgumentParser

extension RunCommand {
    /// `run` with its common flags, parsed by hand. ArgumentParser reflects over the command's
    /// ~30 properties, and each first protocol-conformance check scans the whole binary: ~18 M
    /// instructions, a third of a `run --rm true`. Returns nil for anything else (an unknown or
    /// repeated flag, combined short flags, a value that looks like a flag, `--`, no image): the
    /// full parser then handles it, with its messages. The result must equal what ArgumentParser
    /// makes of the same arguments (`RunCommandFastParseTests`), and EVERY property must be
    /// assigned here: a property wrapper left unset traps when read.
    static func parseCommon(_ arguments: [String]) -> RunCommand? {
        var flags: Set<String> = []
        var values: [String: String] = [:]
        var environment: [String] = []
        var index = 0
        while index < arguments.count, arguments[index].hasPrefix("-") {
            var flag = arguments[index]
            var inline: String?
            if flag.hasPrefix("--"), let equals = flag.firstIndex(of: "=") {
                inline = String(flag[flag.index(after: equals)...])
                flag = String(flag[..<equals])
            }
            let canonical = canonicalFlags[flag] ?? flag
            if booleanFlags.contains(canonical) {
                guard inline == nil, flags.insert(canonical).inserted else { return nil }
            } else if valueFlags.contains(canonical) {
                let value: String
                if let inline {
                    value = inline
                } else {
                    index += 1
                    guard index < arguments.count else { return nil }
                    value = arguments[index]
                }
                guard !value.hasPrefix("-") else { return nil }
                if canonical == "--env" {
                    environment.append(value)
                } else {
                    guard values.updateValue(value, forKey: canonical) == nil else { return nil }
                }
            } else {
                return nil
            }
            index += 1
        }
        guard index < arguments.count else { return nil }
        let rest = arguments[(index + 1)...]
        guard !rest.contains("--") else { return nil }

        var global = GlobalOptions()
        global.root = values["--root"]
        var command = RunCommand()
        command.global = global
        command.rm = flags.contains("--rm")
        command.detach = flags.contains("--detach")
        command.name = values["--name"]
        command.env = environment
        command.envFile = []
        command.volume = []
        command.tmpfs = []
        command.workdir = values["--workdir"]
        command.user = values["--user"]
        command.hostname = values["--hostname"]
        command.network = values["--network"]
        command.networkAlias = []
        command.publish = []
        command.memory = nil
        command.cpus = nil
        command.pidsLimit = nil
        command.readOnly = flags.contains("--read-only")
        command.capAdd = []
        command.capDrop = []
        command.`init` = flags.contains("--init")
        command.interactive = flags.contains("--interactive")
        command.tty = flags.contains("--tty")
        command.entrypoint = values["--entrypoint"]
        command.stopTimeout = nil
        command.noTTY = false
        command.files = []
        command.projectName = nil
        command.image = arguments[index]
        command.command = Array(rest)
        return command
    }

    private static let canonicalFlags = [
        "-d": "--detach", "-e": "--env", "-w": "--workdir", "-u": "--user", "-i": "--interactive", "-t": "--tty",
    ]
    private static let booleanFlags: Set = ["--rm", "--detach", "--interactive", "--tty", "--init", "--read-only"]
    private static let valueFlags: Set = [
        "--name", "--env", "--workdir", "--user", "--hostname", "--network", "--entrypoint", "--root",
    ]
}
