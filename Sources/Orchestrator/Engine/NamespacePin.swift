import Foundation
import Glibc
import Network

/// A container's network namespace, prepared before the container exists and pinned by a bind
/// mount of the namespace file at a path (as `ip netns` does), so the veth and address are in
/// place when its first process starts, and so it survives any crash of swiftstack.
enum NamespacePin {
    /// Creates a fresh namespace and pins it at `path`.
    static func create(at path: String) throws -> NetworkNamespace {
        let namespace = try NetworkNamespace.create()
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw OrchestratorError.system("create", path) }
        close(fd)
        guard mount("/proc/self/fd/\(namespace.descriptor)", path, nil, UInt(MS_BIND), nil) == 0 else {
            let error = OrchestratorError.system("pin the network namespace at", path)
            unlink(path)
            throw error
        }
        return namespace
    }

    /// Unpins the namespace; the kernel frees it (and its veth ends) once no process uses it.
    static func remove(at path: String) {
        _ = umount2(path, Int32(MNT_DETACH))
        unlink(path)
        // The per-project directory goes with its last namespace (rmdir fails while others remain).
        rmdir((path as NSString).deletingLastPathComponent)
    }
}
