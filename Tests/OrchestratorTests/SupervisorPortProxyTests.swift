import Foundation
import Network
import Testing

/// The published-port proxy over real loopback sockets: TCP and UDP reach the backend the
/// supervisor chooses, and a taken port is refused with its number.
@Suite struct SupervisorPortProxyTests {
    @Test func tcpConnectionsReachTheBackendBothWays() async throws {
        let backend = try LoopbackSocket(type: SOCK_STREAM)
        listen(backend.fd, 4)
        let backendFD = backend.fd
        Thread.detachNewThread {
            let connection = accept(backendFD, nil, nil)
            guard connection >= 0 else { return }
            var buffer = [UInt8](repeating: 0, count: 256)
            let n = read(connection, &buffer, buffer.count)
            let reply = Array("echo:".utf8) + buffer[0..<max(n, 0)]
            _ = reply.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
            close(connection)
        }
        let port = try LoopbackSocket.freePort(type: SOCK_STREAM)
        let target = backend.port
        let proxy = try await PortProxy.start(host: "127.0.0.1", port: port, transport: .tcp) {
            (IPv4Address("127.0.0.1")!, target)
        }
        defer { Task { await proxy.stop() } }
        let client = try LoopbackSocket.connected(type: SOCK_STREAM, to: port)
        defer { close(client) }
        _ = "ping".withCString { write(client, $0, 4) }
        #expect(LoopbackSocket.readAll(client) == "echo:ping", "the reply arrives and the proxy closes after it")
    }

    @Test func udpDatagramsReachTheBackendAndRepliesComeBack() async throws {
        let backend = try LoopbackSocket(type: SOCK_DGRAM)
        let backendFD = backend.fd
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 256)
            var peer = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let n = withUnsafeMutablePointer(to: &peer) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    recvfrom(backendFD, &buffer, buffer.count, 0, $0, &length)
                }
            }
            guard n > 0 else { return }
            let reply = Array("echo:".utf8) + buffer[0..<n]
            _ = withUnsafePointer(to: &peer) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(backendFD, reply, reply.count, 0, $0, length)
                }
            }
        }
        let port = try LoopbackSocket.freePort(type: SOCK_DGRAM)
        let target = backend.port
        let proxy = try await PortProxy.start(host: "127.0.0.1", port: port, transport: .udp) {
            (IPv4Address("127.0.0.1")!, target)
        }
        defer { Task { await proxy.stop() } }
        let client = try LoopbackSocket.connected(type: SOCK_DGRAM, to: port)
        defer { close(client) }
        var timeout = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = "ping".withCString { send(client, $0, 4, 0) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = recv(client, &buffer, buffer.count, 0)
        #expect(n > 0 && String(decoding: buffer[0..<n], as: UTF8.self) == "echo:ping")
    }

    @Test func aTakenPortIsRefusedNamingIt() async throws {
        let holder = try LoopbackSocket(type: SOCK_STREAM)
        listen(holder.fd, 1)
        #expect {
            try PortAvailability.check(host: "127.0.0.1", port: holder.port, transport: .tcp)
        } throws: { error in
            (error as? NetworkError)?.code == .alreadyExists
                && "\(error)".contains("127.0.0.1:\(holder.port)/tcp is already in use")
        }
        await #expect {
            _ = try await PortProxy.start(host: "127.0.0.1", port: holder.port, transport: .tcp) { nil }
        } throws: { error in
            (error as? NetworkError)?.code == .alreadyExists && "\(error)".contains("127.0.0.1:\(holder.port)")
        }
        let free = try LoopbackSocket.freePort(type: SOCK_STREAM)
        try PortAvailability.check(host: "127.0.0.1", port: free, transport: .tcp)
    }
}

/// A socket bound to 127.0.0.1 on a kernel-chosen port, closed on deinit.
final class LoopbackSocket {
    let fd: Int32
    let port: Int

    init(type: __socket_type) throws {
        let fd = socket(AF_INET, Int32(type.rawValue), 0)
        self.fd = fd
        var address = Self.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(fd) }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr = in_addr(s_addr: UInt32(0x7F00_0001).bigEndian)
        return address
    }

    static func freePort(type: __socket_type) throws -> Int { try LoopbackSocket(type: type).port }

    static func connected(type: __socket_type, to port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(type.rawValue), 0)
        var address = loopback(port: port)
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard ok else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
        return fd
    }

    static func readAll(_ fd: Int32) -> String {
        var timeout = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 256)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            data += buffer[0..<n]
        }
        return String(decoding: data, as: UTF8.self)
    }
}
