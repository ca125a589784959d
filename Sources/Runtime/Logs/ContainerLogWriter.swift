import Foundation
import Glibc
import JSON

/// Appends a container's output to its log file as JSON lines (Docker's json-file shape), one
/// entry per line of output, each stamped when it was read.
public final class ContainerLogWriter {
    private let fd: Int32
    private var partial: [LogStream: [UInt8]] = [:]

    public init(path: String) throws {
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        if fd < 0 { throw systemError("open log", path) }
    }

    deinit { close(fd) }

    /// Adds output; complete lines are written at once, a partial line waits for its newline.
    public func append(_ bytes: UnsafeRawBufferPointer, stream: LogStream) {
        var pending = partial[stream] ?? []
        var out = ""
        let stamp = ContainerLogWriter.timestamp()
        for byte in bytes {
            pending.append(byte)
            if byte == UInt8(ascii: "\n") {
                out += ContainerLogWriter.entry(pending, stream: stream, time: stamp)
                pending.removeAll(keepingCapacity: true)
            }
        }
        partial[stream] = pending
        if !out.isEmpty { _ = writeAll(fd, out) }
    }

    /// Writes the partial lines left at end of output.
    public func flush() {
        let stamp = ContainerLogWriter.timestamp()
        for (stream, pending) in partial where !pending.isEmpty {
            _ = writeAll(fd, ContainerLogWriter.entry(pending, stream: stream, time: stamp))
        }
        partial.removeAll()
    }

    static func entry(_ line: [UInt8], stream: LogStream, time: String) -> String {
        "{\"time\":\"\(time)\",\"stream\":\"\(stream.rawValue)\",\"log\":\(JSONValue.quoted(String(decoding: line, as: UTF8.self), escapingSlashes: false))}\n"
    }

    /// Now as RFC 3339 with nanoseconds ("2026-11-29T01:02:03.123456789Z").
    public static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var t = ts.tv_sec
        var parts = tm()
        gmtime_r(&t, &parts)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1, 2))-\(pad(Int(parts.tm_mday), 2))T"
            + "\(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):\(pad(Int(parts.tm_sec), 2)).\(pad(ts.tv_nsec, 9))Z"
    }
}
