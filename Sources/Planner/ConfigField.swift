/// What a change of a container field requires of a running container.
public enum ChangeEffect: String, Sendable, Equatable, Codable {
    /// The container must be replaced (the field is part of the config hash).
    case recreate
    /// The running container can take the change as it is (cgroup limits, restart policy).
    case inPlace = "in-place"
}

/// One field of a container's normal form: a dotted compose path and its canonical value.
///
/// The normal form is written for the purpose of hashing and explaining changes; it does not
/// depend on how Swift encodes any struct, so a new swiftstack version computes the same hash
/// for the same stack file unless `ConfigHash.schemaVersion` changes.
public struct ConfigField: Sendable, Hashable, Codable {
    public var path: String
    public var value: String
    public var effect: ChangeEffect

    public init(_ path: String, _ value: String, _ effect: ChangeEffect = .recreate) {
        self.path = path
        self.value = value
        self.effect = effect
    }
}

/// A field-level difference between what runs and what the file wants.
public struct FieldChange: Sendable, Equatable, Codable, CustomStringConvertible {
    public var path: String
    /// `nil`: the field was absent.
    public var old: String?
    public var new: String?
    public var effect: ChangeEffect

    public var description: String {
        switch (old, new) {
        case (nil, let new?): "\(path) added (\(quoted(new)))"
        case (let old?, nil): "\(path) removed (was \(quoted(old)))"
        case (let old?, let new?): "\(path) changed (\(quoted(old)) → \(quoted(new)))"
        case (nil, nil): "\(path) changed"
        }
    }

    private func quoted(_ value: String) -> String {
        let shown = value.count > 60 ? String(value.prefix(57)) + "..." : value
        return "\"\(shown)\""
    }

    /// The differences between two normal forms, sorted by path.
    public static func diff(old: [ConfigField], new: [ConfigField]) -> [FieldChange] {
        let before = Dictionary(old.map { ($0.path, $0) }, uniquingKeysWith: { _, last in last })
        let after = Dictionary(new.map { ($0.path, $0) }, uniquingKeysWith: { _, last in last })
        var changes: [FieldChange] = []
        for path in Set(before.keys).union(after.keys).sorted() {
            let was = before[path]
            let now = after[path]
            guard was?.value != now?.value else { continue }
            let effect: ChangeEffect =
                (was?.effect == .recreate || now?.effect == .recreate) ? .recreate : .inPlace
            changes.append(FieldChange(path: path, old: was?.value, new: now?.value, effect: effect))
        }
        return changes
    }
}
