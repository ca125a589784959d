import Glibc

extension ContainerRuntime {
    /// Starts a created container and owns it until it exits: its output goes into its log (and
    /// to our stdout/stderr when `echo`), `stdin` (if any) is relayed to it, it is reaped by pid,
    /// its exit recorded, and with `autoRemove` it is deleted. `started` runs once it is running.
    /// Used by the foreground `run` and by the per-container monitor of `run -d`.
    /// With `removeInBackground`, an `autoRemove` container is removed by a detached child once
    /// its exit code is known (see `removeInBackground(_:)`), so the caller can report at once.
    public func runOwned(
        _ nameOrID: String, echo: Bool, stdin: Int32?, rawTerminal: Bool, removeInBackground: Bool = false,
        started: (Int32) -> Void
    ) throws -> ContainerState {
        let container = try container(nameOrID)
        let log = try ContainerLogWriter(path: container.logPath)
        var sources: [OutputPump.Source] = []
        var input: (from: Int32, to: Int32, closeTarget: Bool)?
        var childEnds: [Int32] = []
        var terminal = TerminalMode()
        var master: Int32 = -1
        let io: ProcessIO
        if container.spec.tty {
            let devnull = open("/dev/null", O_RDWR | O_CLOEXEC)
            io = ProcessIO(stdin: devnull, stdout: devnull, stderr: devnull)
            childEnds = [devnull]
        } else {
            let out = try makePipe()
            let err = try makePipe()
            let devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)
            io = ProcessIO(stdin: stdin ?? devnull, stdout: out.write, stderr: err.write)
            childEnds = [out.write, err.write, devnull]
            sources = [
                .init(fd: out.read, stream: .stdout, echo: echo ? 1 : nil),
                .init(fd: err.read, stream: .stderr, echo: echo ? 2 : nil),
            ]
        }
        let pid: Int32
        do {
            pid = try start(container.id, io: io, onTerminal: { master = $0 })
        } catch {
            for fd in childEnds { close(fd) }
            for source in sources { close(source.fd) }
            if container.spec.autoRemove { try? delete(container.id, force: true) }
            throw error
        }
        for fd in childEnds { close(fd) }
        if master >= 0 {
            TerminalMode.copyWindowSize(to: master)
            sources = [.init(fd: master, stream: .stdout, echo: echo ? 1 : nil)]
            if let stdin { input = (stdin, master, false) }
        }
        started(pid)
        if rawTerminal { terminal.enterRawMode() }
        OutputPump(sources: sources, log: log, input: input).run()
        terminal.restore()
        if container.spec.autoRemove && removeInBackground {
            let state = reap(container, pid: pid)
            self.removeInBackground(container)
            return state
        }
        let state = try waitForExit(container.id, pid: pid)
        if container.spec.autoRemove { try? delete(container.id, force: true) }
        return state
    }
}
