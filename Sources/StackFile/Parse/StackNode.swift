/// A YAML node with the place it came from.
///
/// The loader keeps its own tree rather than Yams's so that several files can be merged
/// node by node while every value still knows its file, line and column, and so that
/// scalars stay strings until a typed field decides what they mean (YAML 1.1 would read
/// `22:22` as 1342 and `no` as false).
struct StackNode: Sendable, Equatable {
    enum Value: Sendable, Equatable {
        /// `null`, `~` or nothing, written plainly.
        case null
        case scalar(String)
        case mapping([Entry])
        case sequence([StackNode])
    }

    struct Entry: Sendable, Equatable {
        var key: String
        var keyLocation: SourceLocation
        var value: StackNode
    }

    var value: Value
    var location: SourceLocation

    init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }

    var scalar: String? {
        if case .scalar(let text) = value { return text }
        return nil
    }

    var entries: [Entry]? {
        if case .mapping(let entries) = value { return entries }
        return nil
    }

    var items: [StackNode]? {
        if case .sequence(let items) = value { return items }
        return nil
    }

    var isNull: Bool { value == .null }

    /// The value of `key` in a mapping.
    subscript(key: String) -> StackNode? {
        entries?.first { $0.key == key }?.value
    }

    func entry(_ key: String) -> Entry? {
        entries?.first { $0.key == key }
    }

    /// What kind of node this is, for messages ("expected a mapping, found a list").
    var kindName: String {
        switch value {
        case .null: "null"
        case .scalar: "a scalar"
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }

    /// Applies `transform` to every scalar below this node (keys are left alone, as Compose does).
    func mapScalars(_ transform: (String, SourceLocation) -> String) -> StackNode {
        switch value {
        case .null: return self
        case .scalar(let text): return StackNode(.scalar(transform(text, location)), at: location)
        case .mapping(let entries):
            return StackNode(
                .mapping(
                    entries.map {
                        Entry(key: $0.key, keyLocation: $0.keyLocation, value: $0.value.mapScalars(transform))
                    }),
                at: location)
        case .sequence(let items):
            return StackNode(.sequence(items.map { $0.mapScalars(transform) }), at: location)
        }
    }
}
