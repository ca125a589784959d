import Glibc

/// The one error type of the `Network` target: what failed, where, and what to do about it.
///
/// `code` is stable and meant for programs; `message` is for people. When the failure came
/// from the kernel, `errno` holds the raw error number (and the kernel's extended-ACK text,
/// when it sent one, is already part of `message`).
public struct NetworkError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure this is.
    public enum Code: String, Sendable, Equatable {
        /// A link, address, route or network that was asked for does not exist.
        case notFound
        /// Something with that name or address already exists.
        case alreadyExists
        /// The caller passed a value the kernel or the allocator cannot accept.
        case invalidArgument
        /// The operation needs privileges (CAP_NET_ADMIN) this process does not have.
        case permissionDenied
        /// A subnet overlaps a host route or another network.
        case subnetOverlap
        /// A requested address is already allocated to another container.
        case addressInUse
        /// A requested address lies outside the network's subnet (or is its network,
        /// broadcast or gateway address).
        case addressOutsideSubnet
        /// No free subnet or address is left.
        case exhausted
        /// A netlink message could not be sent, received or understood.
        case netlink
        /// A network namespace could not be created, entered or left.
        case namespace
        /// Reading or writing the allocator's state on disk failed.
        case storage
        /// Any other failed system call.
        case systemCall
    }

    public var code: Code
    public var message: String
    /// The kernel's error number, when the failure came from a system call or netlink.
    public var errno: Int32?

    public init(_ code: Code, _ message: String, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.errno = errno
    }

    public var description: String {
        if let errno {
            return "\(message) (\(code.rawValue), errno \(errno): \(String(cString: strerror(errno))))"
        }
        return "\(message) (\(code.rawValue))"
    }

    /// Maps a kernel error number to the closest code, with `context` saying what was attempted.
    static func kernel(_ errno: Int32, _ context: String, hint: String? = nil) -> NetworkError {
        let code: Code
        switch errno {
        case ENODEV, ENOENT, ESRCH, EADDRNOTAVAIL: code = .notFound
        case EEXIST, EADDRINUSE, EBUSY: code = .alreadyExists
        case EPERM, EACCES: code = .permissionDenied
        case EINVAL, ERANGE, EOPNOTSUPP, ENETUNREACH: code = .invalidArgument
        default: code = .systemCall
        }
        var message = context
        if code == .permissionDenied {
            message += "; run as root (CAP_NET_ADMIN is needed)"
        } else if let hint {
            message += "; \(hint)"
        }
        return NetworkError(code, message, errno: errno)
    }
}
