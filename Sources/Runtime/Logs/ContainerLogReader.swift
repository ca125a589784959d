import Foundation

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
