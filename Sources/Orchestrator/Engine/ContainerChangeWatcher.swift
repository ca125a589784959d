import Foundation
import Glibc
import Synchronization

/// Tells a name server the moment a container of a state root is created, started, stopped or
/// removed, or an address is allocated or released, so DNS follows within milliseconds instead
/// of a polling period: inotify on `<stateRoot>/containers/` (container directories come and
/// go), on every container's directory (`state.json` is replaced by a rename on start and on
/// exit, and `stop` returns only once the exit is recorded), on `<stateRoot>/ipam/` and on
/// `<stateRoot>/networks/`.
///
/// Kernel events rather than messages from the CLI: every writer of container state (`run`,
/// the monitors, `stop`, `rm`, the supervisor's restarts, a crash settled later) is covered
/// without any of them knowing who listens.
public final class ContainerChangeWatcher: Sendable {
    private let fd: Int32
    private let containers: String
    private let state = Mutex(State())

    private struct State {
        var changed = true
        var watchedDirectories: [Int32: String] = [:]
        /// The one `pause` waiting, resumed by a change or its timeout.
        var waiter: CheckedContinuation<Void, Never>?
        var pauseID: UInt64 = 0
        /// A pause whose timeout fired before it began to wait.
        var expiredPause: UInt64 = 0
    }

    private static let mask = UInt32(IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM | IN_ONLYDIR)

    /// Starts watching (a thread blocks on the inotify descriptor for the process's lifetime).
    public init(stateRoot: String) throws {
        containers = stateRoot + "/containers"
        fd = inotify_init1(Int32(IN_CLOEXEC))
        guard fd >= 0 else { throw OrchestratorError.system("inotify_init1", "") }
        for directory in [containers, stateRoot + "/ipam", stateRoot + "/networks"] {
            try? FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            guard inotify_add_watch(fd, directory, Self.mask) >= 0 else {
                close(fd)
                throw OrchestratorError.system("watch", directory)
            }
        }
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: containers)) ?? [] {
            watchContainer(entry)
        }
        Thread.detachNewThread { [self] in readEvents() }
    }

    /// Whether anything changed since the last call (true on the first call).
    public func takeChange() -> Bool {
        state.withLock { state in
            defer { state.changed = false }
            return state.changed
        }
    }

    /// Whether something changed since the last `takeChange`, without taking it.
    public var hasPendingChange: Bool { state.withLock { $0.changed } }

    /// Sleeps up to `timeout`, returning as soon as something changes (at once when a change
    /// is pending). One caller at a time.
    public func pause(upTo timeout: Duration) async {
        let id = state.withLock { state -> UInt64 in
            state.pauseID &+= 1
            return state.pauseID
        }
        let timer = Task { [self] in
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled { expire(id) }
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if state.changed || state.expiredPause == id { return true }
                state.waiter = continuation
                return false
            }
            if now { continuation.resume() }
        }
        timer.cancel()
    }

    private func expire(_ id: UInt64) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.pauseID == id else { return nil }
            guard let waiter = state.waiter else {
                state.expiredPause = id
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    private func watchContainer(_ name: String) {
        let directory = containers + "/" + name
        let watch = inotify_add_watch(fd, directory, Self.mask)
        if watch >= 0 { state.withLock { $0.watchedDirectories[watch] = directory } }
    }

    private func readEvents() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            var offset = 0
            var newContainers: [String] = []
            var relevant = false
            while offset + MemoryLayout<inotify_event>.size <= n {
                let (watch, mask, length) = buffer.withUnsafeBytes { raw -> (Int32, UInt32, Int) in
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    return (event.wd, event.mask, Int(event.len))
                }
                let nameStart = offset + MemoryLayout<inotify_event>.size
                let name = String(
                    decoding: buffer[nameStart..<min(nameStart + length, n)].prefix { $0 != 0 }, as: UTF8.self)
                offset = nameStart + length
                if mask & UInt32(IN_IGNORED) != 0 {
                    _ = state.withLock { $0.watchedDirectories.removeValue(forKey: watch) }
                    continue
                }
                let inContainerDirectory = state.withLock { $0.watchedDirectories[watch] != nil }
                if inContainerDirectory {
                    // Only the state file says whether it runs (temporary files, logs and the
                    // container's other files come and go without changing any name).
                    if name == "state.json" { relevant = true }
                } else if mask & UInt32(IN_ISDIR) != 0 {
                    // A container directory in `containers/` (created or removed).
                    if mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 { newContainers.append(name) }
                    relevant = true
                } else if name.hasSuffix(".json") {
                    // `ipam/ipam.json`, or a network's record made, changed or removed.
                    relevant = true
                }
            }
            // Watched before the change is announced, so the rescan it causes cannot miss a start.
            for name in newContainers where !name.isEmpty { watchContainer(name) }
            guard relevant else { continue }
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                state.changed = true
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
