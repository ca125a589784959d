import Digest
import Glibc

/// A fresh directory that becomes one layer: COPY/ADD/WORKDIR write their files here at image
/// paths, then the store commits it. Every write goes through `directory(for:)`, which walks
/// the path component by component with `lstat` and refuses anything but real directories, so
/// a symbolic link planted by an earlier source can never send a write outside the tree.
struct StagingTree {
    let root: String
    /// The image below, for the metadata of parent directories created on the way.
    let image: LayeredTree

    /// Makes sure every directory of image path `path` exists in the tree and returns its host
    /// path. Directories the image already has are created with its mode, owner and time, so
    /// the layer does not change them.
    @discardableResult
    func directory(for path: String, mode newMode: mode_t = 0o755, uid: UInt32 = 0, gid: UInt32 = 0) throws -> String {
        var host = root
        var imagePath = ""
        for component in ContextPath.clean("/" + path).split(separator: "/") {
            host += "/" + component
            imagePath += "/" + component
            if let status = LayeredTree.lstatus(host) {
                guard status.st_mode & S_IFMT == S_IFDIR else {
                    throw BuilderError(
                        .unsafePath,
                        "\(imagePath) is copied as a directory and as a file or link in the same step",
                        hint: "copy them in separate steps")
                }
                continue
            }
            if mkdir(host, 0o700) != 0 { throw FileOperations.failure("mkdir", host) }
            if let existing = image.entry(imagePath), existing.isDirectory {
                chmod(host, existing.status.st_mode & 0o7777)
                lchown(host, existing.status.st_uid, existing.status.st_gid)
                FileOperations.setModificationTime(
                    host, seconds: existing.status.st_mtim.tv_sec, nanoseconds: existing.status.st_mtim.tv_nsec)
            } else {
                chmod(host, newMode)
                lchown(host, uid, gid)
            }
        }
        return host
    }

    /// The host path for a new non-directory at image path `path`: its parents made, anything
    /// already there from this step removed.
    func slot(for path: String) throws -> String {
        let parent = try directory(for: FileOperations.parentPath(ContextPath.clean("/" + path)))
        let host = parent + "/" + FileOperations.baseName(ContextPath.clean("/" + path))
        if let status = LayeredTree.lstatus(host) {
            if status.st_mode & S_IFMT == S_IFDIR { FileOperations.removeTree(host) } else { unlink(host) }
        }
        return host
    }

    /// A digest of everything in the tree except modification times: paths in order, kinds,
    /// modes, owners, contents and link targets. The cache key of COPY/ADD.
    func contentDigest() -> String {
        var hash = SHA256()
        var pending = [(host: root, relative: "")]
        while let (host, relative) = pending.popLast() {
            for name in LayeredTree.names(in: host).sorted() {
                let path = host + "/" + name
                guard let status = LayeredTree.lstatus(path) else { continue }
                let kind = status.st_mode & S_IFMT
                hash.update(
                    "\(relative)/\(name)\u{0}\(kind)\u{0}\(status.st_mode & 0o7777)\u{0}\(status.st_uid):\(status.st_gid)\u{0}"
                )
                if kind == S_IFREG {
                    hash.update(FileOperations.readFile(path) ?? [])
                } else if kind == S_IFLNK {
                    hash.update(LayeredTree.readLink(path) ?? "")
                } else if kind == S_IFDIR {
                    // Directories are hashed when popped; the order stays a function of the tree.
                    pending.append((path, relative + "/" + name))
                }
                hash.update("\u{1}")
            }
        }
        return SHA256.hexString(hash.finalize())
    }
}
