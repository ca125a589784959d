import CShim
import Glibc

extension ContainerRuntime {
    /// Starts a process inside a running container: it joins the container's cgroup, ipc, uts,
    /// net, pid and mount namespaces, runs with the container's capabilities and the given
    /// env/user/workdir. Returns the pid of the relay process (our child) that exits with the
    /// command's status: pass it to `waitForExec`. With `exec.tty` and `onTerminal`, the pty is
    /// opened inside the container and its master handed to `onTerminal`.
    public func startExec(_ nameOrID: String, _ exec: ExecSpec, io: ProcessIO, onTerminal: ((Int32) -> Void)? = nil)
        throws -> Int32
    {
        let container = try container(nameOrID)
        guard let process = container.liveProcess else {
            throw RuntimeError(.invalidState, "container \(container.name) is not running; start it before exec")
        }
        guard !exec.command.isEmpty else {
            throw RuntimeError(.invalidArgument, "exec needs a command to run")
        }
        let spec = container.spec
        let user = try UserDatabase(layers: spec.lowerDirectories).resolve(exec.user ?? spec.user)
        let capabilities = try Capabilities.mask(add: spec.capAdd, drop: spec.capDrop)

        var nsFDs: [Int32] = []
        defer { for fd in nsFDs { close(fd) } }
        for ns in ["cgroup", "ipc", "uts", "net", "pid", "mnt"] {
            let fd = open("/proc/\(process.pid)/ns/\(ns)", O_RDONLY | O_CLOEXEC)
            if fd < 0 {
                throw systemError(
                    "open \(ns) namespace of container \(container.name)", "/proc/\(process.pid)/ns/\(ns)")
            }
            nsFDs.append(fd)
        }
        guard process.isAlive else {
            throw RuntimeError(.invalidState, "container \(container.name) exited while exec was starting")
        }

        let errorPipe = try makePipe()
        let goPipe: (read: Int32, write: Int32)
        do { goPipe = try makePipe() } catch {
            close(errorPipe.read)
            close(errorPipe.write)
            throw error
        }
        let console = exec.tty && onTerminal != nil ? try ConsoleChannel() : nil
        let arena = CStringArena()
        var e = cshim_exec()
        e.process = processStruct(
            arena: arena, argv: exec.command,
            env: environment(of: spec, user: user, extra: exec.environment, tty: exec.tty),
            workdir: exec.workingDirectory ?? spec.workingDirectory, user: user, capabilities: capabilities, io: io,
            tty: exec.tty, useInit: true, limits: spec.limits, consoleSocket: console?.childEnd ?? -1)
        withUnsafeMutableBytes(of: &e.ns_fds) { raw in
            let slots = raw.bindMemory(to: Int32.self)
            for index in 0..<slots.count { slots[index] = index < nsFDs.count ? nsFDs[index] : -1 }
        }
        e.error_fd = errorPipe.write
        e.go_fd = goPipe.read
        e.parent_error_fd = errorPipe.read
        e.parent_go_fd = goPipe.write
        e.cgroup_files = arena.array(Cgroup(id: container.id).selfJoinFiles)

        let pid = cshim_spawn_exec(&e)
        let spawnErrno = errno
        close(errorPipe.write)
        close(goPipe.read)
        console?.closeChildEnd()
        guard pid > 0 else {
            close(errorPipe.read)
            close(goPipe.write)
            throw systemError("fork exec process", errno: spawnErrno)
        }
        var failure: RuntimeError?
        var go: UInt8 = 1
        _ = retryingEINTR { write(goPipe.write, &go, 1) }
        close(goPipe.write)
        if let childFailure = readFailure(errorPipe.read) {
            var execContainer = container
            execContainer = Container(
                spec: {
                    var s = spec
                    s.command = exec.command
                    return s
                }(), state: container.state, directory: container.directory)
            failure = describe(childFailure, container: execContainer, mounts: [])
        }
        close(errorPipe.read)
        if let failure {
            Glibc.kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = cshim_waitpid(pid, &status, 0)
            throw failure
        }
        if let console, let onTerminal {
            let master = console.receiveMaster()
            if master < 0 {
                Glibc.kill(pid, SIGKILL)
                var status: Int32 = 0
                _ = cshim_waitpid(pid, &status, 0)
                throw RuntimeError(.startFailed, "exec in \(container.name): the pseudo-terminal never arrived")
            }
            onTerminal(master)
        }
        return pid
    }

    /// Reaps an exec's relay process by pid; returns the command's exit code (128+signal when killed).
    public func waitForExec(pid: Int32) -> Int32 {
        var status: Int32 = 0
        guard cshim_waitpid(pid, &status, 0) == pid else { return 125 }
        return cshim_wifexited(status) != 0 ? cshim_wexitstatus(status) : 128 + cshim_wtermsig(status)
    }
}
