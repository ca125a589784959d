import CShim
import Foundation
import Glibc

extension ContainerRuntime {
    /// Starts a created or exited container (a restart: same rootfs, network namespace and
    /// log) with the given stdio; the caller becomes its parent and must
    /// call `waitForExit(_:pid:)`. Returns the host pid of the container's first process.
    /// Failures before execve (mounts, user, command not found) throw with Docker's exit codes.
    /// For a `tty` container with `onTerminal`, a pseudo-terminal is opened inside the container's
    /// own devpts; its slave becomes stdio (the fds in `io` are not used) and its master is
    /// handed to `onTerminal` (the caller owns it).
    public func start(_ nameOrID: String, io: ProcessIO, onTerminal: ((Int32) -> Void)? = nil) throws -> Int32 {
        var container = try container(nameOrID)
        guard container.state.status == .created || container.state.status == .exited else {
            throw RuntimeError(
                .invalidState, "container \(container.name) is already running; stop it before starting it again")
        }
        let spec = container.spec
        let user = try UserDatabase(layers: spec.lowerDirectories).resolve(spec.user)
        let capabilities = try Capabilities.mask(add: spec.capAdd, drop: spec.capDrop)
        let mounts = try prepareMounts(of: container)

        var joinFD: Int32 = -1
        // `container:` shares the target's UTS namespace too (its host name), as Docker does.
        var utsFD: Int32 = -1
        defer {
            if joinFD >= 0 { close(joinFD) }
            if utsFD >= 0 { close(utsFD) }
        }
        if case .container(let otherID) = spec.network {
            let other = try self.container(otherID)
            guard let process = other.liveProcess else {
                throw RuntimeError(
                    .invalidState, "cannot join the network of container \(other.name): it is not running")
            }
            joinFD = open("/proc/\(process.pid)/ns/net", O_RDONLY | O_CLOEXEC)
            utsFD = open("/proc/\(process.pid)/ns/uts", O_RDONLY | O_CLOEXEC)
            // Checked after opening: the pid could belong to another process by now.
            if joinFD < 0 || utsFD < 0 || !process.isAlive {
                throw systemError("open the namespaces of container \(other.name)", "/proc/\(process.pid)/ns")
            }
        }
        if case .namespace(let path) = spec.network {
            joinFD = open(path, O_RDONLY | O_CLOEXEC)
            if joinFD < 0 { throw systemError("open the network namespace of \(spec.name)", path) }
        }

        let cgroup = Cgroup(id: spec.id)
        try cgroup.create(spec.limits)
        let errorPipe: (read: Int32, write: Int32)
        let console: ConsoleChannel?
        do {
            errorPipe = try makePipe()
            console = spec.tty && onTerminal != nil ? try ConsoleChannel() : nil
        } catch {
            try? cgroup.remove()
            throw error
        }
        defer { console?.closeParentEnd() }

        let arena = CStringArena()
        var c = cshim_container()
        c.process = processStruct(
            arena: arena, argv: spec.command, env: environment(of: spec, user: user, extra: []),
            workdir: spec.workingDirectory, user: user, capabilities: capabilities, io: io,
            tty: spec.tty, useInit: spec.useInit, limits: spec.limits, consoleSocket: console?.childEnd ?? -1)
        c.rootfs = arena.string(container.rootfsMountPoint)
        let options = overlayOptions(of: container)
        if options.utf8.count < 4000 {
            c.overlay_options = arena.string(options)
        } else {
            c.overlay_lower_dirs = arena.array(container.spec.lowerDirectories.reversed())
            c.overlay_upper_dir = arena.string(container.upperDirectory)
            c.overlay_work_dir = arena.string(container.workDirectory)
        }
        switch spec.network {
        case .isolated: c.net_mode = Int32(CSHIM_NET_NEW.rawValue)
        case .host: c.net_mode = Int32(CSHIM_NET_HOST.rawValue)
        case .container, .namespace: c.net_mode = Int32(CSHIM_NET_JOIN.rawValue)
        }
        c.join_netns_fd = joinFD
        c.join_utsns_fd = utsFD
        c.hostname = spec.network == .host || utsFD >= 0 ? nil : arena.string(spec.hostname)
        c.readonly_root = spec.readOnlyRootfs ? 1 : 0
        c.mounts = arena.buffer(mounts.map { $0.toC(arena) })
        c.nmounts = Int32(mounts.count)
        c.error_fd = errorPipe.write
        // No go window: the child joins its cgroup itself, and the network layer hands us an
        // already wired namespace (.namespace). The clone then behaves like posix_spawn.
        c.go_fd = -1
        c.parent_error_fd = errorPipe.read
        c.parent_go_fd = -1
        c.cgroup_files = arena.array(cgroup.selfJoinFiles)

        let pid = cshim_spawn_container(&c)
        let spawnErrno = errno
        close(errorPipe.write)
        console?.closeChildEnd()
        guard pid > 0 else {
            close(errorPipe.read)
            try? cgroup.remove()
            throw systemError("clone container \(spec.name)", errno: spawnErrno)
        }

        var failure: RuntimeError?
        if let childFailure = readFailure(errorPipe.read) {
            failure = describe(childFailure, container: container, mounts: mounts)
        }
        close(errorPipe.read)

        if let failure {
            Glibc.kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = cshim_waitpid(pid, &status, 0)
            try? cgroup.remove()
            container.state.status = .exited
            container.state.exitCode = failure.exitCode
            container.state.error = failure.message
            container.state.startedAt = Date()
            container.state.finishedAt = Date()
            try? store.save(container.state, of: container)
            throw failure
        }

        if let console, let onTerminal {
            let master = console.receiveMaster()
            guard master >= 0 else {
                Glibc.kill(pid, SIGKILL)
                var status: Int32 = 0
                _ = cshim_waitpid(pid, &status, 0)
                try? cgroup.remove()
                throw RuntimeError(
                    .startFailed, "container \(container.name): the pseudo-terminal never arrived from the container")
            }
            onTerminal(master)
        }
        let identity = ProcessIdentity.unreapedChild(pid)
        let owner = ProcessIdentity.current(getpid())
        container.state.status = .running
        container.state.pid = pid
        container.state.pidStartTime = identity?.startTime
        container.state.ownerPid = owner?.pid
        container.state.ownerStartTime = owner?.startTime
        container.state.startedAt = Date()
        // A restart forgets the previous run's exit.
        container.state.exitCode = nil
        container.state.finishedAt = nil
        container.state.oomKilled = false
        container.state.error = nil
        try store.save(container.state, of: container)
        return pid
    }

    /// The environment Docker gives a process: PATH and HOME defaults, HOSTNAME, TERM with a tty.
    func environment(of spec: ContainerSpec, user: ResolvedUser, extra: [String], tty: Bool? = nil) -> [String] {
        var entries: [String] = []
        var index: [String: Int] = [:]
        func set(_ entry: String) {
            let key = String(entry.prefix { $0 != "=" })
            if let at = index[key] {
                entries[at] = entry
            } else {
                index[key] = entries.count
                entries.append(entry)
            }
        }
        set("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        set("HOSTNAME=\(spec.hostname)")
        if tty ?? spec.tty { set("TERM=xterm") }
        for entry in spec.environment { set(entry.contains("=") ? entry : entry + "=") }
        for entry in extra { set(entry.contains("=") ? entry : entry + "=") }
        if index["HOME"] == nil { set("HOME=\(user.home.isEmpty ? "/" : user.home)") }
        return entries
    }

    func processStruct(
        arena: CStringArena, argv: [String], env: [String], workdir: String,
        user: ResolvedUser, capabilities: UInt64, io: ProcessIO, tty: Bool,
        useInit: Bool, limits: ResourceLimits, consoleSocket: Int32
    ) -> cshim_process {
        var p = cshim_process()
        p.argv = arena.array(argv)
        p.envp = arena.array(env)
        p.workdir = arena.string(workdir)
        p.uid = user.uid
        p.gid = user.gid
        p.groups = arena.buffer(user.supplementaryGroups)
        p.ngroups = Int32(user.supplementaryGroups.count)
        p.capabilities = capabilities
        p.no_new_privs = 1
        var rlimits: [cshim_rlimit] = []
        if let nofile = limits.openFiles {
            rlimits.append(cshim_rlimit(resource: Int32(RLIMIT_NOFILE.rawValue), soft: nofile, hard: nofile))
        }
        p.rlimits = arena.buffer(rlimits)
        p.nrlimits = Int32(rlimits.count)
        p.stdin_fd = io.stdin
        p.stdout_fd = io.stdout
        p.stderr_fd = io.stderr
        p.tty = tty ? 1 : 0
        p.console_socket = consoleSocket
        p.use_init = useInit ? 1 : 0
        return p
    }

    /// lowerdir lists the TOP layer first: reverse our lowest-first list.
    func overlayOptions(of container: Container) -> String {
        let lower = container.spec.lowerDirectories.reversed().map(escapeOverlayPath).joined(separator: ":")
        return
            "lowerdir=\(lower),upperdir=\(escapeOverlayPath(container.upperDirectory)),workdir=\(escapeOverlayPath(container.workDirectory))"
    }

    private func escapeOverlayPath(_ path: String) -> String {
        path.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ":", with: "\\:")
            .replacingOccurrences(of: ",", with: "\\,")
    }

    /// System files first (/etc/hosts, /etc/hostname, /etc/resolv.conf), then the user's mounts.
    func prepareMounts(of container: Container) throws -> [PreparedMount] {
        var result: [PreparedMount] = [
            PreparedMount(
                kind: CSHIM_MOUNT_BIND_FILE, source: container.hostsPath, target: "/etc/hosts", data: nil,
                readOnly: false, refuseFinalSymlink: false),
            PreparedMount(
                kind: CSHIM_MOUNT_BIND_FILE, source: container.hostnamePath, target: "/etc/hostname", data: nil,
                readOnly: false, refuseFinalSymlink: false),
            PreparedMount(
                kind: CSHIM_MOUNT_BIND_FILE, source: container.resolvConfPath, target: "/etc/resolv.conf", data: nil,
                readOnly: false, refuseFinalSymlink: false),
        ]
        for mount in container.spec.mounts {
            switch mount.kind {
            case .tmpfs:
                let options = mount.options.isEmpty ? "mode=1777" : mount.options
                result.append(
                    PreparedMount(
                        kind: CSHIM_MOUNT_TMPFS, source: nil, target: mount.target, data: options,
                        readOnly: mount.readOnly, refuseFinalSymlink: true))
            case .bind, .volume:
                var source = mount.source
                if mount.kind == .volume {
                    // A path (the orchestrator's volume directory) or a bare name (`-v NAME:/dst`).
                    if !source.hasPrefix("/") {
                        guard !source.contains("/"), source != "..", source != "." else {
                            throw RuntimeError(.invalidArgument, "invalid volume name '\(source)'")
                        }
                        source = root + "/volumes/" + source + "/_data"
                    }
                    try makeDirectories(source)
                }
                var st = stat()
                guard stat(source, &st) == 0 else {
                    throw RuntimeError(
                        .mountSourceMissing,
                        "bind mount source \(source) does not exist on the host; create it first or fix the path")
                }
                let isDir = (st.st_mode & S_IFMT) == S_IFDIR
                result.append(
                    PreparedMount(
                        kind: isDir ? CSHIM_MOUNT_BIND_DIR : CSHIM_MOUNT_BIND_FILE, source: source,
                        target: mount.target, data: nil, readOnly: mount.readOnly, refuseFinalSymlink: true))
            }
        }
        return result
    }

    /// One `{step, errno, index}` record, or nil at EOF (the exec succeeded).
    func readFailure(_ fd: Int32) -> cshim_failure? {
        var failure = cshim_failure()
        let size = MemoryLayout<cshim_failure>.size
        var got = 0
        while got < size {
            let n = withUnsafeMutableBytes(of: &failure) { buffer in
                retryingEINTR { read(fd, buffer.baseAddress! + got, size - got) }
            }
            if n <= 0 { return nil }
            got += n
        }
        return failure
    }

    func describe(_ failure: cshim_failure, container: Container, mounts: [PreparedMount]) -> RuntimeError {
        let step = String(cString: cshim_step_name(failure.step))
        let reason = errnoText(failure.error)
        let name = container.name
        if failure.step == Int32(CSHIM_STEP_EXEC.rawValue) {
            let command = container.spec.command.first ?? ""
            if failure.error == ENOENT {
                return RuntimeError(
                    .commandNotFound,
                    "container \(name): executable '\(command)' not found in the image (searched PATH): \(reason)")
            }
            return RuntimeError(
                .commandNotInvokable,
                "container \(name): cannot run '\(command)': \(reason); check that it is an executable file for this machine"
            )
        }
        if failure.step == Int32(CSHIM_STEP_MOUNT.rawValue) || failure.step == Int32(CSHIM_STEP_MOUNT_TARGET.rawValue),
            failure.index >= 0, Int(failure.index) < mounts.count
        {
            let mount = mounts[Int(failure.index)]
            let hint =
                failure.error == ELOOP
                ? "the target is a symlink in the image; mount onto the real path instead"
                : "check the source and the target path"
            return RuntimeError(
                .startFailed,
                "container \(name): \(step) \(mount.source ?? "tmpfs") on \(mount.target): \(reason); \(hint)")
        }
        if failure.step == Int32(CSHIM_STEP_WORKDIR.rawValue) {
            return RuntimeError(
                .startFailed,
                "container \(name): cannot use working directory \(container.spec.workingDirectory): \(reason)")
        }
        return RuntimeError(.startFailed, "container \(name): \(step) failed: \(reason)")
    }
}
