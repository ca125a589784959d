/// An archive entry name made relative and lexically resolved, as tar does: leading `/` and `.`
/// components dropped, `..` applied, and any `..` that climbs above the layer root refused.
struct ArchivePath: Equatable {
    /// The components, none of them empty, `.` or `..`; empty for the layer root itself.
    var components: [[UInt8]]

    init(components: [[UInt8]]) { self.components = components }

    /// Parses `raw` (a NUL-terminated name from libarchive). `role` says which name it is in messages.
    init(raw: UnsafePointer<CChar>, entry: String, role: String = "entry") throws(ImageError) {
        var bytes = [UInt8]()
        var cursor = raw
        while cursor.pointee != 0 {
            bytes.append(UInt8(bitPattern: cursor.pointee))
            cursor += 1
        }
        var components = [[UInt8]]()
        for component in bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            if component.elementsEqual([UInt8(ascii: ".")]) { continue }
            if component.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")]) {
                guard !components.isEmpty else {
                    let subject = role == "entry" ? "it" : "its \(role) '\(String(decoding: bytes, as: UTF8.self))'"
                    throw ImageError(
                        .unsafeArchive,
                        "refusing archive entry '\(entry)': \(subject) climbs out of the layer with '..'")
                }
                components.removeLast()
                continue
            }
            components.append(Array(component))
        }
        self.components = components
    }

    var isRoot: Bool { components.isEmpty }

    /// The last component (the entry's own name).
    var base: [UInt8] { components.last ?? [] }

    /// The path of the parent directory.
    var parent: ArchivePath { ArchivePath(components: Array(components.dropLast())) }

    /// `a/b/c` as NUL-terminated C characters, `.` for the root.
    var cString: [CChar] {
        if components.isEmpty { return [46, 0] }
        var out = [CChar]()
        for (index, component) in components.enumerated() {
            if index > 0 { out.append(47) }
            out.append(contentsOf: component.map { CChar(bitPattern: $0) })
        }
        out.append(0)
        return out
    }

    /// For messages.
    var display: String {
        components.isEmpty ? "." : components.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "/")
    }
}

extension Array where Element == UInt8 {
    /// The bytes plus a terminating NUL, for `*at` system calls.
    var cName: [CChar] { map { CChar(bitPattern: $0) } + [0] }
}
