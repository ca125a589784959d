/// A position in a stack file: where a node of the YAML tree began.
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The file's path as the user named it (or as discovered).
    public var file: String
    /// 1-based line.
    public var line: Int
    /// 1-based column.
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// Maps a dotted model path (`services.crawler.environment.DB_HOST`) to where the
/// value came from, so errors found after decoding can still name a line.
///
/// Paths use the compose keys as written in the file; list items use their index
/// (`services.web.ports.0`).
public struct SourceMap: Sendable, Equatable {
    public private(set) var locations: [String: SourceLocation] = [:]

    public init() {}

    public mutating func record(_ path: String, _ location: SourceLocation) {
        locations[path] = location
    }

    /// The location of `path`, or of its nearest recorded ancestor.
    public func location(of path: String) -> SourceLocation? {
        var current = Substring(path)
        while true {
            if let found = locations[String(current)] { return found }
            guard let dot = current.lastIndex(of: ".") else { return nil }
            current = current[..<dot]
        }
    }
}
