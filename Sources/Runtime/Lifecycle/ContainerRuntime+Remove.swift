import CShim
import Foundation
import Glibc

extension ContainerRuntime {
    /// Prefix of a container directory being removed in the background (`.removing-<id>`).
    static let removingPrefix = ".removing-"

    /// The owner's exit record for a container that is about to be removed: reaped by pid, the
    /// OOM flag read while the cgroup exists. Nothing is written (the state goes with it).
    func reap(_ container: Container, pid: Int32) -> ContainerState {
        var status: Int32 = 0
        var state = container.state
        if cshim_waitpid(pid, &status, 0) == pid {
            state.exitCode =
                cshim_wifexited(status) != 0 ? cshim_wexitstatus(status) : 128 + cshim_wtermsig(status)
        }
        state.oomKilled = Cgroup(id: container.id).oomKilled()
        state.status = .exited
        state.finishedAt = Date()
        return state
    }

    /// Removes an exited container without waiting for it: its name is released and its
    /// directory renamed to `.removing-<id>` here (two syscalls: from now on no command sees
    /// it, and the name is free), then a detached child removes the cgroups and the directory.
    /// A remover that dies leaves a `.removing-` directory that the next `list()` sweeps.
    func removeInBackground(_ container: Container) {
        store.release(name: container.name, id: container.id)
        let trash = store.containersDirectory + "/" + Self.removingPrefix + container.id
        guard rename(container.directory, trash) == 0 else {
            try? delete(container.id, force: true)
            return
        }
        let arena = CStringArena()
        let remover = cshim_spawn_remover(arena.array(Cgroup(id: container.id).directories), arena.string(trash))
        if remover < 0 {
            removeLeftover(container.id, directory: trash)
        } else {
            DetachedChildren.adopt(remover)
        }
    }

    /// Finishes removals that a background remover left (it was killed, or the host rebooted).
    func sweepRemovals() {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: store.containersDirectory) else {
            return
        }
        for entry in entries where entry.hasPrefix(Self.removingPrefix) {
            removeLeftover(
                String(entry.dropFirst(Self.removingPrefix.count)), directory: store.containersDirectory + "/" + entry)
        }
    }

    private func removeLeftover(_ id: String, directory: String) {
        try? Cgroup(id: id).remove()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
