import Glibc

/// Whether a host port can be published, checked by binding it for a moment, so that `up`
/// fails before creating anything when a port is taken.
public enum PortAvailability {
    /// Throws `.alreadyExists` naming the port when another socket holds `host:port`.
    public static func check(host: String, port: Int, transport: PortProxy.Transport) throws(NetworkError) {
        guard let address = IPv4Address(host) else {
            throw NetworkError(
                .invalidArgument, "cannot publish on \(host):\(port): only IPv4 host addresses are supported")
        }
        let type = transport == .tcp ? SOCK_STREAM : SOCK_DGRAM
        let fd = socket(AF_INET, Int32(type.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            throw NetworkError(.systemCall, "socket: \(String(cString: strerror(errno)))", errno: errno)
        }
        defer { close(fd) }
        var one: Int32 = 1
        // As the proxy binds: SO_REUSEADDR for TCP lets a port in TIME_WAIT count as free.
        if transport == .tcp { setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size)) }
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = in_port_t(UInt16(port).bigEndian)
        socketAddress.sin_addr = in_addr(s_addr: address.value.bigEndian)
        let result = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if result != 0 {
            let code = errno
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
    }
}
