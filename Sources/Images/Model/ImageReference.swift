/// A parsed `NAME[:TAG]` image reference. The tag defaults to `latest`.
///
/// Names are lowercase: components of `[a-z0-9]` joined by `.`, `-`, `_` or `__`, separated by `/`.
/// Tags are `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`, as in Docker. Docker Hub names are kept in
/// their short form (`docker.io/library/busybox` is `busybox`).
public struct ImageReference: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var name: String
    public var tag: String

    public init(name: String, tag: String = "latest") {
        self.name = name
        self.tag = tag
    }

    /// Parses `reference`, throwing `.invalidReference` with the reason when it is malformed.
    public init(parsing reference: String) throws(ImageError) {
        var name = Substring(reference)
        var tag: Substring = "latest"
        if let colon = reference.lastIndex(of: ":") {
            let afterSlash = reference.lastIndex(of: "/").map { colon > $0 } ?? true
            if afterSlash {
                name = reference[..<colon]
                tag = reference[reference.index(after: colon)...]
            }
        }
        guard ImageReference.isValidName(name) else {
            throw ImageError(
                .invalidReference,
                "invalid image reference '\(reference)': the name must be lowercase letters, digits and '.', '-', '_' separated by '/', starting and ending with a letter or digit"
            )
        }
        guard ImageReference.isValidTag(tag) else {
            throw ImageError(
                .invalidReference,
                "invalid image reference '\(reference)': the tag must be 1 to 128 characters of letters, digits, '_', '.' and '-', not starting with '.' or '-'"
            )
        }
        self.name = Self.familiar(String(name))
        self.tag = String(tag)
    }

    /// Docker Hub names in the short form Docker shows: `docker.io/library/busybox` is
    /// `busybox`, `docker.io/team/app` is `team/app` (skopeo and podman write the long form).
    static func familiar(_ name: String) -> String {
        for registry in ["docker.io/", "index.docker.io/", "registry-1.docker.io/"] where name.hasPrefix(registry) {
            let rest = name.dropFirst(registry.count)
            if rest.hasPrefix("library/") && rest.dropFirst("library/".count).split(separator: "/").count == 1 {
                return String(rest.dropFirst("library/".count))
            }
            return String(rest)
        }
        return name
    }

    /// `name:tag`.
    public var description: String { "\(name):\(tag)" }

    static func isValidName(_ name: Substring) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 255 else { return false }
        for component in name.split(separator: "/", omittingEmptySubsequences: false) {
            guard let first = component.utf8.first, let last = component.utf8.last,
                isAlphanumeric(first), isAlphanumeric(last)
            else { return false }
            for byte in component.utf8
            where
                !(isAlphanumeric(byte) || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_"))
            {
                return false
            }
        }
        return true
    }

    static func isValidTag(_ tag: Substring) -> Bool {
        guard let first = tag.utf8.first, tag.utf8.count <= 128,
            first != UInt8(ascii: "."), first != UInt8(ascii: "-")
        else { return false }
        return tag.utf8.allSatisfy { byte in
            isAlphanumeric(byte) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }
}
