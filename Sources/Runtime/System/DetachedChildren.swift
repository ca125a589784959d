import Glibc
import Synchronization

/// Children this process starts and never waits for: monitors, supervisors and name servers
/// (`DetachedProcess`), background removers of containers and links. A short command exits long
/// before they do and init reaps them; a long-running one (`reconcile`, `supervise`) must reap
/// them itself or keep one zombie per child (a reconcile soak gathered ~50 a minute). Each
/// adoption reaps, by pid, those that have finished since, so the list stays as short as the
/// number still running.
public enum DetachedChildren {
    private static let running = Mutex<[pid_t]>([])

    /// Records `pid`, a child nobody will wait for, after reaping the adopted ones that ended.
    public static func adopt(_ pid: pid_t) {
        guard pid > 0 else { return }
        running.withLock { pids in
            // 0: still running; the pid: reaped now; -1 (ECHILD): someone else reaped it.
            pids.removeAll { waitpid($0, nil, WNOHANG) != 0 }
            pids.append(pid)
        }
    }

    /// Reaps the adopted children that have ended; returns how many are still running.
    @discardableResult
    public static func reapFinished() -> Int {
        running.withLock { pids in
            pids.removeAll { waitpid($0, nil, WNOHANG) != 0 }
            return pids.count
        }
    }
}
