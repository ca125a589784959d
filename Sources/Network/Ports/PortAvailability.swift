import Glibc

/// Whether a host port can be published, checked by binding it for a moment, so that `up` and
/// `run -p` fail before creating anything when a port is taken.
public enum PortAvailability {
    /// Throws `.alreadyExists` naming the port when another socket holds `host:port`.
    /// `PortMapping.everyAddress` checks the wildcard address the proxy will listen on.
    public static func check(host: String, port: Int, transport: PortProxy.Transport) throws(NetworkError) {
        let fd = try bind(host: host, port: port, transport: transport)
        close(fd)
    }

    /// A host port free right now on `host` (the kernel's choice), for `run -p CONTAINER`.
    public static func freePort(host: String, transport: PortProxy.Transport) throws(NetworkError) -> Int {
        let fd = try bind(host: host, port: 0, transport: transport)
        defer { close(fd) }
        var storage = sockaddr_in6()
        var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard result == 0 else {
            throw NetworkError(.systemCall, "getsockname: \(String(cString: strerror(errno)))", errno: errno)
        }
        // sin_port and sin6_port sit at the same offset.
        return Int(UInt16(bigEndian: storage.sin6_port))
    }

    /// Whether this host can listen on IPv6 (then the wildcard is `[::]`, which takes IPv4 too).
    public static let hasIPv6: Bool = {
        let fd = socket(AF_INET6, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_any
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0
            }
        }
    }()

    /// The address a proxy for `host` binds: the dual-stack `::` for every address when the
    /// host has IPv6, `0.0.0.0` otherwise; an explicit address as it is.
    public static func listenAddress(_ host: String) -> String {
        guard host == PortMapping.everyAddress || host == "::" || host.isEmpty else { return host }
        return hasIPv6 ? "::" : PortMapping.everyAddress
    }

    private static func bind(host: String, port: Int, transport: PortProxy.Transport) throws(NetworkError) -> Int32 {
        let listen = listenAddress(host)
        let isV6 = listen == "::"
        guard isV6 || IPv4Address(listen) != nil else {
            throw NetworkError(
                .invalidArgument,
                "cannot publish on \(host):\(port): only IPv4 host addresses (or none, for every address) are supported"
            )
        }
        let type = transport == .tcp ? SOCK_STREAM : SOCK_DGRAM
        let fd = socket(isV6 ? AF_INET6 : AF_INET, Int32(type.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            throw NetworkError(.systemCall, "socket: \(String(cString: strerror(errno)))", errno: errno)
        }
        var one: Int32 = 1
        // As the proxy binds: SO_REUSEADDR for TCP lets a port in TIME_WAIT count as free.
        if transport == .tcp { setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size)) }
        let result: Int32
        if isV6 {
            var zero: Int32 = 0
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &zero, socklen_t(MemoryLayout<Int32>.size))
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(UInt16(port).bigEndian)
            address.sin6_addr = in6addr_any
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr = in_addr(s_addr: IPv4Address(listen)!.value.bigEndian)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        if result != 0 {
            let code = errno
            close(fd)
            if code == EADDRINUSE {
                throw NetworkError(
                    .alreadyExists,
                    "host port \(host):\(port)/\(transport.rawValue) is already in use by another process; publish another port or stop that process",
                    errno: code)
            }
            throw NetworkError(
                .systemCall, "cannot publish \(host):\(port)/\(transport.rawValue): \(String(cString: strerror(code)))",
                errno: code)
        }
        return fd
    }
}
