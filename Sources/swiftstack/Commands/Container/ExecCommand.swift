import ArgumentParser
import Glibc
import Runtime

/// `swiftstack exec [-i] [-t] [-e K=V] [-u USER] [-w DIR] NAME CMD…`: exits with the command's code.
struct ExecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "exec", abstract: "Run a command in a running container.")

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
        let spec = ExecSpec(command: command, environment: env.compactMap(ContainerOptionParsing.expand),
                            user: user, workingDirectory: workdir, tty: tty)
        var terminal: TerminalSession?
        let io: ProcessIO
        let devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer { close(devnull) }
        if tty {
            let session = try ContainerCommandErrors.reporting(exitCode: 125) { try TerminalSession() }
            terminal = session
            io = ProcessIO(stdin: session.slave, stdout: session.slave, stderr: session.slave)
        } else {
            io = ProcessIO(stdin: interactive ? 0 : devnull, stdout: 1, stderr: 2)
        }
        let pid = try ContainerCommandErrors.reporting(exitCode: 125) { try runtime.startExec(name, spec, io: io) }
        SignalForwarding.install(forwardingTo: pid)
        if var session = terminal {
            close(session.slave)
            if interactive { session.enterRawMode() }
            OutputPump(sources: [.init(fd: session.master, stream: .stdout, echo: 1)], log: nil,
                       input: interactive ? (0, session.master, false) : nil).run()
            session.restore()
        }
        let code = runtime.waitForExec(pid: pid)
        if code != 0 { throw ExitCode(code) }
    }
}
