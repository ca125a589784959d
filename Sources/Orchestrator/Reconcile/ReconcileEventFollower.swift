import Foundation
import Glibc

/// Follows a project's reconcile event log from another process (`swiftstack events`): each
/// `poll` returns the complete lines appended since the last one, across a rotation.
public final class ReconcileEventFollower {
    public let log: ReconcileEventLog
    private var inode: UInt64?
    private var offset: Int = 0
    private var partial: [UInt8] = []

    /// Starts at the log's current end: only what happens from now on is shown.
    public init(log: ReconcileEventLog) {
        self.log = log
        if let status = Self.status(log.path) {
            inode = UInt64(status.st_ino)
            offset = Int(status.st_size)
        }
    }

    /// The JSON lines appended since the last call.
    public func poll() -> [String] {
        var bytes: [UInt8] = []
        let current = Self.status(log.path)
        if let inode, current.map({ UInt64($0.st_ino) }) != inode {
            // Rotated: the rest of the file we followed now lives under the previous name.
            if let previous = Self.status(log.previousPath), UInt64(previous.st_ino) == inode {
                bytes += Self.read(log.previousPath, from: offset)
            }
            self.inode = nil
            offset = 0
        }
        if let current {
            if self.inode == nil { self.inode = UInt64(current.st_ino) }
            if Int(current.st_size) < offset { offset = 0 }  // truncated by hand
            let fresh = Self.read(log.path, from: offset)
            offset += fresh.count
            bytes += fresh
        }
        partial += bytes
        guard let lastNewline = partial.lastIndex(of: UInt8(ascii: "\n")) else { return [] }
        let complete = partial[..<lastNewline]
        partial = Array(partial[(lastNewline + 1)...])
        return complete.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
    }

    private static func status(_ path: String) -> stat? {
        var result = stat()
        return stat(path, &result) == 0 ? result : nil
    }

    private static func read(_ path: String, from offset: Int) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var position = off_t(offset)
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, position) }
            if count <= 0 { break }
            result += buffer[..<count]
            position += off_t(count)
        }
        return result
    }
}
