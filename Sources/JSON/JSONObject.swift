/// One JSON object read field by field, with `Codable`'s rules for a hand mapping: a missing
/// key or `null` is nil, a value of another type is an error (never silently nil), unknown keys
/// are ignored.
public struct JSONObject: Sendable {
    public let members: [String: JSONValue]

    public init(_ value: JSONValue) throws(JSONError) {
        guard case .object(let members) = value else { throw JSONError("expected an object") }
        self.members = members
    }

    /// Parses `bytes` and reads the object at its top.
    public init(parsing bytes: [UInt8]) throws(JSONError) {
        try self.init(JSONValue(parsing: bytes))
    }

    /// The raw value of `key`; nil when missing or null.
    public func value(_ key: String) -> JSONValue? {
        guard let value = members[key], value != .null else { return nil }
        return value
    }

    public func string(_ key: String) throws(JSONError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value else { throw mismatch(key, "a string") }
        return text
    }

    public func bool(_ key: String) throws(JSONError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let flag) = value else { throw mismatch(key, "a boolean") }
        return flag
    }

    public func int64(_ key: String) throws(JSONError) -> Int64? {
        guard let value = value(key) else { return nil }
        guard case .integer(let number) = value else { throw mismatch(key, "an integer") }
        return number
    }

    public func int(_ key: String) throws(JSONError) -> Int? {
        guard let number = try int64(key) else { return nil }
        guard let value = Int(exactly: number) else { throw mismatch(key, "an Int") }
        return value
    }

    public func int32(_ key: String) throws(JSONError) -> Int32? {
        guard let number = try int64(key) else { return nil }
        guard let value = Int32(exactly: number) else { throw mismatch(key, "an Int32") }
        return value
    }

    public func uint64(_ key: String) throws(JSONError) -> UInt64? {
        guard let number = try int64(key) else { return nil }
        guard let value = UInt64(exactly: number) else { throw mismatch(key, "a UInt64") }
        return value
    }

    public func double(_ key: String) throws(JSONError) -> Double? {
        switch value(key) {
        case nil: return nil
        case .integer(let number)?: return Double(number)
        case .double(let number)?: return number
        default: throw mismatch(key, "a number")
        }
    }

    public func strings(_ key: String) throws(JSONError) -> [String]? {
        guard let value = value(key) else { return nil }
        guard let strings = value.stringArray else { throw mismatch(key, "an array of strings") }
        return strings
    }

    public func stringDictionary(_ key: String) throws(JSONError) -> [String: String]? {
        guard let value = value(key) else { return nil }
        guard let dictionary = value.stringDictionary else { throw mismatch(key, "an object of strings") }
        return dictionary
    }

    public func object(_ key: String) throws(JSONError) -> JSONObject? {
        guard let value = value(key) else { return nil }
        return try JSONObject(value)
    }

    public func objects(_ key: String) throws(JSONError) -> [JSONObject]? {
        guard let value = value(key) else { return nil }
        guard case .array(let elements) = value else { throw mismatch(key, "an array of objects") }
        var objects: [JSONObject] = []
        objects.reserveCapacity(elements.count)
        for element in elements { objects.append(try JSONObject(element)) }
        return objects
    }

    /// `value`, or an error naming the missing `key`.
    public func required<T>(_ value: T?, _ key: String) throws(JSONError) -> T {
        guard let value else { throw JSONError("missing '\(key)'") }
        return value
    }

    private func mismatch(_ key: String, _ expected: String) -> JSONError {
        JSONError("'\(key)' is not \(expected)")
    }
}
