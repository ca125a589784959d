import Glibc
import Images

/// A read-only view of an image's root filesystem as overlayfs would show it, computed from its
/// unpacked layer directories (lowest first) without mounting anything: upper layers hide lower
/// ones, whiteouts (character devices 0/0) delete, `trusted.overlay.opaque=y` directories hide
/// everything below them.
///
/// Paths are image paths (`/etc/passwd`); symbolic links are resolved inside the image root, so
/// a link to `/etc` or `../../..` never leaves it.
struct LayeredTree {
    /// Layer directories, LOWEST first.
    let layers: [String]

    /// Where an image path lives: the host path of the top-most entry and its `lstat`.
    struct Entry {
        var hostPath: String
        var status: stat
        /// For directories: every layer directory path contributing to it, top-most first.
        var directoryLayers: [String]

        var isDirectory: Bool { status.st_mode & S_IFMT == S_IFDIR }
        var isSymlink: Bool { status.st_mode & S_IFMT == S_IFLNK }
        var isRegular: Bool { status.st_mode & S_IFMT == S_IFREG }
    }

    /// The entry at `path` (cleaned, absolute), without following a final symbolic link.
    /// Intermediate components must be directories (not links): use `resolve` first for that.
    func entry(_ path: String) -> Entry? {
        let components = ContextPath.clean("/" + path).split(separator: "/").map(String.init)
        var current = Entry(
            hostPath: layers.last ?? "/nonexistent", status: stat(), directoryLayers: layers.reversed())
        current.status.st_mode = S_IFDIR | 0o755
        if let top = layers.last, let status = Self.lstatus(top) { current.status = status }
        if components.isEmpty { return layers.isEmpty ? nil : current }
        for component in components {
            guard current.isDirectory else { return nil }
            var found: Entry?
            var directoryLayers: [String] = []
            for directory in current.directoryLayers {
                let candidate = directory + "/" + component
                guard let status = Self.lstatus(candidate) else { continue }
                if Self.isWhiteout(status) { break }
                if status.st_mode & S_IFMT == S_IFDIR {
                    if found == nil { found = Entry(hostPath: candidate, status: status, directoryLayers: []) }
                    guard found!.isDirectory else { break }
                    directoryLayers.append(candidate)
                    if Self.isOpaque(candidate) { break }
                } else {
                    if found == nil { found = Entry(hostPath: candidate, status: status, directoryLayers: []) }
                    break
                }
            }
            guard var next = found else { return nil }
            next.directoryLayers = directoryLayers
            current = next
        }
        return current
    }

    /// The names in directory `path`, sorted, whiteouts applied.
    func list(_ path: String) -> [String] {
        guard let directory = entry(path), directory.isDirectory else { return [] }
        var names = Set<String>()
        var hidden = Set<String>()
        for layer in directory.directoryLayers {
            for name in Self.names(in: layer) where !hidden.contains(name) && !names.contains(name) {
                if let status = Self.lstatus(layer + "/" + name), Self.isWhiteout(status) {
                    hidden.insert(name)
                } else {
                    names.insert(name)
                }
            }
        }
        return names.sorted()
    }

    /// `path` with every symbolic link resolved inside the image root (absolute targets start
    /// at the image's `/`, `..` stops at it), as Docker resolves COPY destinations and WORKDIR.
    /// With `followFinal` false the last component is left as is.
    func resolve(_ path: String, followFinal: Bool = true) -> String {
        var pending = ContextPath.clean("/" + path).split(separator: "/").map(String.init)
        pending.reverse()
        var resolved: [String] = []
        var hops = 0
        while let component = pending.popLast() {
            if component == "." { continue }
            if component == ".." {
                if !resolved.isEmpty { resolved.removeLast() }
                continue
            }
            let candidate = "/" + (resolved + [component]).joined(separator: "/")
            let isFinal = pending.isEmpty
            if let entry = entry(candidate), entry.isSymlink, !isFinal || followFinal, hops < 40,
                let target = Self.readLink(entry.hostPath)
            {
                hops += 1
                if target.hasPrefix("/") { resolved = [] }
                pending.append(contentsOf: target.split(separator: "/").map(String.init).reversed())
                continue
            }
            resolved.append(component)
        }
        return "/" + resolved.joined(separator: "/")
    }

    /// The contents of a regular file at `path` (links inside the image followed, never out of it).
    func read(_ path: String) -> [UInt8]? {
        guard let entry = entry(resolve(path)), entry.isRegular else { return nil }
        return FileOperations.readFile(entry.hostPath)
    }

    // MARK: - System helpers

    static func lstatus(_ path: String) -> stat? {
        var status = stat()
        return lstat(path, &status) == 0 ? status : nil
    }

    static func isWhiteout(_ status: stat) -> Bool {
        status.st_mode & S_IFMT == S_IFCHR && status.st_rdev == 0
    }

    /// Opaque directories (`trusted.overlay.opaque=y`) hide every lower layer's entries at their
    /// path, as overlayfs does; the unpacker sets the flag for `.wh..wh..opq`.
    static func isOpaque(_ directory: String) -> Bool { OverlayAttributes.isOpaque(directory) }

    static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Entry names of a host directory, `.` and `..` left out (unsorted).
    static func names(in directory: String) -> [String] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let item = readdir(handle) {
            let name = withUnsafePointer(to: item.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
