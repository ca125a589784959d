import CShim
import Foundation
import Glibc

extension ContainerRuntime {
    /// For the owner (the parent that called `start`): reaps the container's first process by pid,
    /// records exit code, OOM flag and finish time, and removes the cgroup. Returns the state.
    @discardableResult
    public func waitForExit(_ nameOrID: String, pid: Int32) throws -> ContainerState {
        var status: Int32 = 0
        let reaped = cshim_waitpid(pid, &status, 0)
        var container = try store.load(store.resolve(nameOrID))
        let cgroup = Cgroup(id: container.id)
        if reaped == pid {
            container.state.exitCode =
                cshim_wifexited(status) != 0
                ? cshim_wexitstatus(status) : 128 + cshim_wtermsig(status)
        }
        container.state.oomKilled = cgroup.oomKilled()
        container.state.status = .exited
        container.state.finishedAt = Date()
        try? cgroup.remove()
        try store.save(container.state, of: container)
        return container.state
    }

    /// Sends `signal` to the container's first process (race-free through a pidfd).
    public func kill(_ nameOrID: String, signal: Int32) throws {
        let container = try container(nameOrID)
        guard let process = container.liveProcess else {
            throw RuntimeError(.invalidState, "container \(container.name) is not running")
        }
        let pidfd = try openPidfd(process, name: container.name)
        defer { close(pidfd) }
        if cshim_pidfd_send_signal(pidfd, signal) != 0 && errno != ESRCH {
            throw systemError("send signal \(signal) to container \(container.name)")
        }
    }

    /// Sends the stop signal, waits up to `timeout` seconds (the spec's by default), then SIGKILL;
    /// returns once the exit is recorded. Stopping a container that is not running does nothing.
    public func stop(_ nameOrID: String, timeout: Int? = nil) throws {
        let container = try container(nameOrID)
        guard let process = container.liveProcess else { return }
        let pidfd = try openPidfd(process, name: container.name)
        defer { close(pidfd) }
        let grace = timeout ?? container.spec.stopTimeoutSeconds
        _ = cshim_pidfd_send_signal(pidfd, container.spec.stopSignal)
        if !waitReadable(pidfd, milliseconds: grace * 1000) {
            _ = cshim_pidfd_send_signal(pidfd, SIGKILL)
            _ = waitReadable(pidfd, milliseconds: 10_000)
        }
        try awaitRecordedExit(container.id)
    }

    /// Waits (without being the parent) until the container has exited and its exit is recorded.
    @discardableResult
    public func wait(_ nameOrID: String) throws -> ContainerState {
        let container = try container(nameOrID)
        if let process = container.liveProcess, let pidfd = try? openPidfd(process, name: container.name) {
            _ = waitReadable(pidfd, milliseconds: -1)
            close(pidfd)
        }
        return try awaitRecordedExit(container.id)
    }

    /// Removes the container: its cgroup, directory and name. A running container needs `force`
    /// (it is killed first). Nothing stays behind in /proc/mounts (the overlay lives only in the
    /// container's mount namespace), the cgroup tree or the state root.
    public func delete(_ nameOrID: String, force: Bool = false) throws {
        let id = try store.resolve(nameOrID)
        if !fileExists(store.directory(of: id)) {
            // A crash between reserving the name and creating the directory left only the name.
            store.release(name: nameOrID, id: id)
            return
        }
        var container = try container(id)
        if let process = container.liveProcess {
            guard force else {
                throw RuntimeError(.invalidState, "container \(container.name) is running; stop it first or use rm -f")
            }
            if let pidfd = try? openPidfd(process, name: container.name) {
                _ = cshim_pidfd_send_signal(pidfd, SIGKILL)
                _ = waitReadable(pidfd, milliseconds: 10_000)
                close(pidfd)
            }
            container = (try? awaitRecordedExit(container.id, seconds: 2)).map { _ in container } ?? container
        }
        try Cgroup(id: container.id).remove()
        store.release(name: container.name, id: container.id)
        // Renamed out of the way first (one atomic step): an owner that records a late exit
        // then finds no directory to write into, instead of leaving a file that keeps a
        // half-removed directory alive; what a removal cannot finish `list()` sweeps.
        let trash = store.containersDirectory + "/" + Self.removingPrefix + container.id
        try? FileManager.default.removeItem(atPath: trash)
        guard rename(container.directory, trash) == 0 else {
            throw RuntimeError(.system, "cannot remove \(container.directory): \(String(cString: strerror(errno)))")
        }
        try? FileManager.default.removeItem(atPath: trash)
    }

    func openPidfd(_ process: ProcessIdentity, name: String) throws -> Int32 {
        let pidfd = cshim_pidfd_open(process.pid)
        if pidfd < 0 { throw systemError("pidfd_open for container \(name)") }
        // The pid could have been reused between reading the state and opening the pidfd.
        guard process.isAlive else {
            close(pidfd)
            throw RuntimeError(.invalidState, "container \(name) is not running")
        }
        return pidfd
    }

    /// poll() on a pidfd: readable once the process has exited. -1 waits forever.
    func waitReadable(_ fd: Int32, milliseconds: Int) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let deadline = milliseconds < 0 ? nil : monotonicMilliseconds() + milliseconds
        while true {
            let remaining = deadline.map { max(0, $0 - monotonicMilliseconds()) } ?? -1
            let n = poll(&entry, 1, Int32(clamping: remaining))
            if n > 0 { return true }
            if n == 0 { return false }
            if errno != EINTR { return false }
        }
    }

    /// A container whose process has just ended while its owner has not yet recorded the exit
    /// (between reaping and writing the state) is re-read until the owner has, for up to
    /// `seconds` (the owner first empties and removes the cgroup, which may take up to a second
    /// while the container's other processes die); anything else comes back as it is. Observers
    /// use it so that a job that exits is seen as exited with its code, not as "process gone,
    /// code unknown".
    public func settlingExit(_ container: Container, seconds: Double = 3) -> Container {
        guard container.state.status == .running, !container.isRunning else { return container }
        let deadline = monotonicMilliseconds() + Int(seconds * 1000)
        var current = container
        while true {
            // Read again first: the owner may have recorded the exit, and even exited itself,
            // since the caller looked (`refreshed` settles an exit whose owner died unrecorded).
            guard let reread = try? refreshed(store.load(container.id)) else { return current }
            current = reread
            if current.state.status != .running || current.isRunning || !current.ownerAlive { return current }
            if monotonicMilliseconds() >= deadline { return current }
            usleep(2_000)
        }
    }

    /// Waits for the owner to record the exit; when the owner is gone, records it here.
    @discardableResult
    func awaitRecordedExit(_ id: String, seconds: Int = 5) throws -> ContainerState {
        let deadline = monotonicMilliseconds() + seconds * 1000
        while true {
            let container = try refreshed(store.load(id))
            if container.state.status != .running { return container.state }
            if monotonicMilliseconds() > deadline {
                throw RuntimeError(
                    .invalidState,
                    "container \(container.name) did not finish exiting within \(seconds)s; its owner (pid \(container.state.ownerPid ?? 0)) may be stuck"
                )
            }
            usleep(5_000)
        }
    }
}

func monotonicMilliseconds() -> Int {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return ts.tv_sec * 1000 + ts.tv_nsec / 1_000_000
}
