/// A parsed JSON document, for the few files every command reads or writes on its way to a
/// running container (image index, manifest and configuration, container spec and state).
///
/// Why not `Codable`: the first use of `JSONDecoder`/`JSONEncoder` for a type in a process
/// instantiates generic containers by mangled name, and every first protocol-conformance check
/// scans all conformance records of the (large, static) binary; for a `run` that was about a
/// millisecond of a ~10 ms command. Mapping by hand over this enum involves no generic metadata
/// at run time. Types keep their `Codable` conformance as the reference the hand mapping is
/// tested against, and as the fallback for anything the hand mapping does not accept.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number written without fraction or exponent that fits in 64 bits.
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue {
    /// The string, when this is one.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The members, when this is an object.
    public var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The elements, when this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// An array of strings as `[String]`; nil for anything else.
    public var stringArray: [String]? {
        guard case .array(let elements) = self else { return nil }
        var strings: [String] = []
        strings.reserveCapacity(elements.count)
        for element in elements {
            guard case .string(let text) = element else { return nil }
            strings.append(text)
        }
        return strings
    }

    /// An object whose values are all strings as `[String: String]`; nil for anything else.
    public var stringDictionary: [String: String]? {
        guard case .object(let members) = self else { return nil }
        var result: [String: String] = [:]
        result.reserveCapacity(members.count)
        for (key, value) in members {
            guard case .string(let text) = value else { return nil }
            result[key] = text
        }
        return result
    }
}

/// A document that is not JSON, or not of the shape a hand mapping expects.
public struct JSONError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
