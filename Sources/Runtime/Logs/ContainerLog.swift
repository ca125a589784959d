import Foundation
import Glibc

/// Which output stream a log line came from.
public enum LogStream: String, Codable, Sendable {
    case stdout
    case stderr
}

/// One line of a container's log.
public struct LogEntry: Codable, Sendable, Equatable {
    /// RFC 3339 with nanoseconds, UTC.
    public var time: String
    public var stream: LogStream
    /// The line including its trailing newline (a last line without one has none).
    public var log: String
}

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
        "{\"time\":\"\(time)\",\"stream\":\"\(stream.rawValue)\",\"log\":\(jsonString(String(decoding: line, as: UTF8.self)))}\n"
    }

    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
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

/// Reads a container's log.
public enum ContainerLogReader {
    /// Entries from `offset` on; returns them and the offset after the last complete line.
    public static func read(path: String, from offset: UInt64 = 0) -> (entries: [LogEntry], next: UInt64) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return ([], offset) }
        defer { try? handle.close() }
        try? handle.seek(toOffset: offset)
        let data = (try? handle.readToEnd()) ?? Data()
        guard let lastNewline = data.lastIndex(of: UInt8(ascii: "\n")) else { return ([], offset) }
        let complete = data[data.startIndex...lastNewline]
        let decoder = JSONDecoder()
        var entries: [LogEntry] = []
        for line in complete.split(separator: UInt8(ascii: "\n")) {
            if let entry = try? decoder.decode(LogEntry.self, from: Data(line)) { entries.append(entry) }
        }
        return (entries, offset + UInt64(complete.count))
    }
}
