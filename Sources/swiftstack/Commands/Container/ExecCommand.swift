import ArgumentParser
import Glibc
import Runtime

/// `swiftstack exec [-i] [-t] [-e K=V] [-u USER] [-w DIR] NAME CMD…`: exits with the command's code.
struct ExecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec", abstract: "Run a command in a running container.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: [.short, .customLong("interactive")], help: "Keep stdin open.") var interactive = false
    @Flag(name: [.short, .customLong("tty")], help: "Allocate a pseudo-terminal.") var tty = false
    @Option(name: [.short, .customLong("env")], help: "Set an environment variable.") var env: [String] = []
    @Option(name: [.short, .customLong("user")], help: "USER[:GROUP].") var user: String?
    @Option(name: [.short, .customLong("workdir")], help: "Working directory.") var workdir: String?
    @Argument(help: "Container name or id.") var name: String
    @Argument(parsing: .captureForPassthrough, help: "Command and arguments.") var command: [String] = []

    func run() throws {
        let runtime = global.containerRuntime
        let spec = ExecSpec(
            command: command, environment: env.compactMap(ContainerOptionParsing.expand),
            user: user, workingDirectory: workdir, tty: tty)
        let devnull = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { close(devnull) }
        let io = ProcessIO(
            stdin: interactive && !tty ? 0 : devnull, stdout: tty ? devnull : 1, stderr: tty ? devnull : 2)
        var master: Int32 = -1
        let pid = try ContainerCommandErrors.reporting(exitCode: 125) {
            try runtime.startExec(name, spec, io: io, onTerminal: { master = $0 })
        }
        SignalForwarding.install(forwardingTo: pid)
        if master >= 0 {
            var terminal = TerminalMode()
            TerminalMode.copyWindowSize(to: master)
            if interactive { terminal.enterRawMode() }
            OutputPump(
                sources: [.init(fd: master, stream: .stdout, echo: 1)], log: nil,
                input: interactive ? (0, master, false) : nil
            ).run()
            terminal.restore()
        }
        let code = runtime.waitForExec(pid: pid)
        if code != 0 { throw ExitCode(code) }
    }
}
