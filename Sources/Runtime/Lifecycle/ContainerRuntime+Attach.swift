import Glibc

extension ContainerRuntime {
    /// Starts a created container and owns it until it exits: its output goes into its log (and
    /// to our stdout/stderr when `echo`), `stdin` (if any) is relayed to it, it is reaped by pid,
    /// its exit recorded, and with `autoRemove` it is deleted. `started` runs once it is running.
    /// Used by the foreground `run` and by the per-container monitor of `run -d`.
    public func runOwned(_ nameOrID: String, echo: Bool, stdin: Int32?, rawTerminal: Bool,
                         started: (Int32) -> Void) throws -> ContainerState {
        let container = try container(nameOrID)
        let log = try ContainerLogWriter(path: container.logPath)
        var sources: [OutputPump.Source] = []
        var input: (from: Int32, to: Int32, closeTarget: Bool)?
        var childEnds: [Int32] = []
        var terminal: TerminalSession?
        let io: ProcessIO
        if container.spec.tty {
            let session = try TerminalSession()
            terminal = session
            io = ProcessIO(stdin: session.slave, stdout: session.slave, stderr: session.slave)
            childEnds = [session.slave]
            sources = [.init(fd: session.master, stream: .stdout, echo: echo ? 1 : nil)]
            if let stdin { input = (stdin, session.master, false) }
        } else {
            let out = try makePipe()
            let err = try makePipe()
            let devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)
            io = ProcessIO(stdin: stdin ?? devnull, stdout: out.write, stderr: err.write)
            childEnds = [out.write, err.write, devnull]
            sources = [.init(fd: out.read, stream: .stdout, echo: echo ? 1 : nil),
                       .init(fd: err.read, stream: .stderr, echo: echo ? 2 : nil)]
        }
        let pid: Int32
        do {
            pid = try start(container.id, io: io)
        } catch {
            childEnds.forEach { close($0) }
            sources.forEach { close($0.fd) }
            if container.spec.autoRemove { try? delete(container.id, force: true) }
            throw error
        }
        childEnds.forEach { close($0) }
        started(pid)
        if rawTerminal { terminal?.enterRawMode() }
        OutputPump(sources: sources, log: log, input: input).run()
        terminal?.restore()
        let state = try waitForExit(container.id, pid: pid)
        if container.spec.autoRemove { try? delete(container.id, force: true) }
        return state
    }
}
