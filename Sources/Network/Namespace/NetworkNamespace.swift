import CShim
import Glibc

/// A network namespace held open by a file descriptor (from `/proc/PID/ns/net`, a bind mount,
/// or `create()`).
///
/// `setns` and `unshare` change only the calling thread, and a task may hop threads at any
/// `await`, so code that must run inside the namespace runs synchronously on a thread of its
/// own (`run`), which enters the namespace, does its work and ends. Sockets opened there stay
/// bound to the namespace and can be used from anywhere afterwards.
public final class NetworkNamespace: Sendable {
    /// The namespace's file descriptor; valid as long as this object lives.
    public let descriptor: Int32
    private let ownsDescriptor: Bool

    /// Wraps a descriptor the caller keeps owning (for example the runtime's handle on a
    /// container's `/proc/PID/ns/net`); it is not closed here.
    public init(borrowing descriptor: Int32) {
        self.descriptor = descriptor
        ownsDescriptor = false
    }

    /// Opens a namespace file such as `/proc/1234/ns/net`; closed when this object goes away.
    public init(path: String) throws(NetworkError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw NetworkError.kernel(
                errno, "opening network namespace \(path)", hint: "check that the process still runs")
        }
        descriptor = fd
        ownsDescriptor = true
    }

    private init(owning descriptor: Int32) {
        self.descriptor = descriptor
        ownsDescriptor = true
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// Creates a fresh, empty network namespace (only a down `lo`). It lives as long as this
    /// object (or anything else, such as a process, that holds it).
    public static func create() throws(NetworkError) -> NetworkNamespace {
        let fd = try DedicatedThread.run { () throws(NetworkError) -> Int32 in
            let original = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
            guard original >= 0 else { throw NetworkError.kernel(errno, "opening this thread's network namespace") }
            defer { close(original) }
            let unshared = cshim_netlink_unshare_net()
            guard unshared == 0 else {
                throw NetworkError(
                    .namespace, "creating a network namespace (unshare CLONE_NEWNET) failed; run as root",
                    errno: -unshared)
            }
            let created = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
            let openError = errno
            // Hygiene only: the thread ends right after.
            _ = cshim_netlink_setns_net(original)
            guard created >= 0 else { throw NetworkError.kernel(openError, "opening the new network namespace") }
            return created
        }
        return NetworkNamespace(owning: fd)
    }

    /// Runs `body` synchronously on a new thread that has entered this namespace, and returns
    /// its result. Never `await` inside: the body must finish on that thread.
    public func run<T>(_ body: () throws(NetworkError) -> T) throws(NetworkError) -> T {
        let target = descriptor
        return try DedicatedThread.run { () throws(NetworkError) -> T in
            let entered = cshim_netlink_setns_net(target)
            guard entered == 0 else {
                throw NetworkError(.namespace, "entering network namespace (fd \(target)) failed", errno: -entered)
            }
            return try body()
        }
    }

    /// The inode identifying the namespace; two descriptors name the same namespace exactly
    /// when their inodes (and devices) are equal.
    public var inode: UInt64 {
        var info = stat()
        return fstat(descriptor, &info) == 0 ? UInt64(info.st_ino) : 0
    }
}
