import Foundation
import Glibc
import Runtime

/// Watches files for saved changes with inotify. It watches their directories, because editors
/// save by writing a new file and renaming it over the old one, which a watch on the file
/// itself would miss; a burst of events (write, rename, chmod) is reported once.
public final class FileWatcher: @unchecked Sendable {
    private let fd: Int32
    private let wake: (read: Int32, write: Int32)
    private var watched: [Int32: (directory: String, names: Set<String>)] = [:]

    /// Watches `paths` (files that may not exist yet; their directories must).
    public init(paths: [String]) throws {
        fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard fd >= 0 else { throw OrchestratorError.system("inotify_init1", "") }
        wake = try makePipe()
        var byDirectory: [String: Set<String>] = [:]
        for path in paths {
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
            byDirectory[(absolute as NSString).deletingLastPathComponent, default: []]
                .insert((absolute as NSString).lastPathComponent)
        }
        let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_ATTRIB)
        for (directory, names) in byDirectory {
            let watch = inotify_add_watch(fd, directory, mask)
            guard watch >= 0 else { throw OrchestratorError.system("watch", directory) }
            watched[watch] = (directory, names)
        }
    }

    deinit {
        close(fd)
        close(wake.read)
        close(wake.write)
    }

    /// Makes a blocked `wait` return `.interrupted` (from a signal handler's thread, say).
    public func interrupt() {
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
    }

    public enum Outcome: Sendable, Equatable {
        case changed
        case timedOut
        case interrupted
    }

    /// Waits until a watched file changes (then for `quiet` seconds without further events, so a
    /// burst counts once), `timeout` passes, or `interrupt` is called.
    public func wait(timeout: Double, quiet: Double = 0.1) -> Outcome {
        let deadline = Date().addingTimeInterval(timeout)
        var changed = false
        while true {
            let remaining = changed ? quiet : deadline.timeIntervalSinceNow
            if remaining <= 0 { return changed ? .changed : .timedOut }
            var polls = [
                pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&polls, 2, Int32(min(remaining, 3600) * 1000))
            if ready < 0 && errno == EINTR { continue }
            if polls[1].revents != 0 {
                var byte: UInt8 = 0
                _ = read(wake.read, &byte, 1)
                return .interrupted
            }
            if ready == 0 {
                if changed { return .changed }
                if Date() >= deadline { return .timedOut }
                continue
            }
            if drainEvents() { changed = true }
        }
    }

    /// Reads pending events; true when one names a watched file.
    private func drainEvents() -> Bool {
        var relevant = false
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { return relevant }
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= n {
                let (watch, length) = buffer.withUnsafeBytes { raw -> (Int32, Int) in
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    return (event.wd, Int(event.len))
                }
                let nameStart = offset + MemoryLayout<inotify_event>.size
                let nameBytes = buffer[nameStart..<min(nameStart + length, n)].prefix { $0 != 0 }
                let name = String(decoding: nameBytes, as: UTF8.self)
                if let entry = watched[watch], entry.names.contains(name) { relevant = true }
                offset = nameStart + length
            }
        }
    }
}
