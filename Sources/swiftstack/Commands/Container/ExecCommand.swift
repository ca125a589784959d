import ArgumentParser
import Glibc
import Runtime

/// `swiftstack exec [-i] [-t] [-e K=V] [-u USER] [-w DIR] NAME CMD…`: exits with the command's code.
/// In a project (a stack file in sight, `-p` or `--file`), `exec [--index N] [-T] SERVICE CMD…`
/// runs in the service's replica N, unless NAME is an existing container.
struct ExecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec", abstract: "Run a command in a running container.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: [.short, .customLong("interactive")], help: "Keep stdin open.") var interactive = false
    @Flag(name: [.short, .customLong("tty")], help: "Allocate a pseudo-terminal.") var tty = false
    @Option(name: [.short, .customLong("env")], help: "Set an environment variable.") var env: [String] = []
    @Option(name: [.short, .customLong("user")], help: "USER[:GROUP].") var user: String?
    @Option(name: [.short, .customLong("workdir")], help: "Working directory.") var workdir: String?
    @Flag(name: .customShort("T"), help: "No pseudo-terminal (Compose's flag; the default here).") var noTTY = false
    @Option(name: .customLong("index"), help: "Project view: which replica of the service (default 1).")
    var index: Int = 1
    @OptionGroup var stack: StackOptions
    @Argument(help: "Container name or id; in a project: a service.") var name: String
    @Argument(parsing: .captureForPassthrough, help: "Command and arguments.") var command: [String] = []

    func run() throws {
        let runtime = global.containerRuntime
        var name = name
        let tty = tty && !noTTY
        if ProjectScope.applies(stack, arguments: [name], runtime: runtime) {
            let scope = try ProjectScope.resolve(stack, global: global)
            let replicas = try scope.containers([name]).filter(\.isRunning)
            guard let container = replicas.first(where: { ProjectScope.replica($0) == index }) else {
                ContainerCommandErrors.report(
                    "service \(name) of project \(scope.project) has no running container with index \(index)"
                        + " (running: \(replicas.map { String(ProjectScope.replica($0)) }.joined(separator: ", ")))")
                throw ExitCode(1)
            }
            name = container.id
        }
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
