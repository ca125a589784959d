import Foundation

/// Runs blocking work side by side: one thread per item, up to a bound.
///
/// `DispatchQueue.concurrentPerform` runs as many items at once as there are cores, which suits
/// computing but not waiting: on this 2-core machine, three container starts (each mostly
/// waiting for a monitor to report) or ten stops (each waiting out a grace period) would run
/// two at a time. Container actions wait on the kernel and on other processes, so they get a
/// thread each.
public enum BlockingParallel {
    /// Calls `body` for every index in `0..<count`, at most `limit` at a time, and returns when
    /// all calls have returned.
    public static func forEach(_ count: Int, limit: Int = 32, _ body: @escaping @Sendable (Int) -> Void) {
        guard count > 1 else {
            if count == 1 { body(0) }
            return
        }
        let slots = DispatchSemaphore(value: max(1, limit))
        let group = DispatchGroup()
        for index in 0..<count {
            slots.wait()
            group.enter()
            Thread.detachNewThread {
                body(index)
                slots.signal()
                group.leave()
            }
        }
        group.wait()
    }
}
