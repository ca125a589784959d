import Glibc

@testable import Network

/// A UDP socket bound to `address:port` (port 0: any), with a receive timeout so a test
/// fails rather than hangs when a datagram never arrives.
final class UDPSocket {
    let descriptor: Int32

    init(address: IPv4Address, port: UInt16 = 0, receiveTimeoutSeconds: Int = 3) throws {
        descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw NetworkError(.systemCall, "socket", errno: errno) }
        var timeout = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var local = Self.socketAddress(address, port)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            let error = errno
            close(descriptor)
            throw NetworkError(.systemCall, "bind \(address):\(port)", errno: error)
        }
    }

    deinit { close(descriptor) }

    var port: UInt16 {
        var local = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return UInt16(bigEndian: local.sin_port)
    }

    static func socketAddress(_ address: IPv4Address, _ port: UInt16) -> sockaddr_in {
        var result = sockaddr_in()
        result.sin_family = sa_family_t(AF_INET)
        result.sin_port = port.bigEndian
        result.sin_addr = in_addr(s_addr: address.value.bigEndian)
        return result
    }

    func send(_ text: String, to address: IPv4Address, port: UInt16) throws {
        try send(bytes: Array(text.utf8), to: address, port: port)
    }

    func send(bytes: [UInt8], to address: IPv4Address, port: UInt16) throws {
        var destination = Self.socketAddress(address, port)
        let sent = withUnsafePointer(to: &destination) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(descriptor, bytes, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard sent == bytes.count else { throw NetworkError(.systemCall, "sendto \(address):\(port)", errno: errno) }
    }

    /// The next datagram's text and sender address; throws on timeout.
    func receive() throws -> (text: String, from: IPv4Address) {
        let (bytes, sender) = try receiveBytes()
        return (String(decoding: bytes, as: UTF8.self), sender)
    }

    func receiveBytes() throws -> (bytes: [UInt8], from: IPv4Address) {
        var buffer = [UInt8](repeating: 0, count: 2048)
        var sender = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let received = withUnsafeMutablePointer(to: &sender) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                recvfrom(descriptor, &buffer, buffer.count, 0, $0, &length)
            }
        }
        guard received >= 0 else { throw NetworkError(.systemCall, "recvfrom (timed out?)", errno: errno) }
        return (Array(buffer[0..<received]), IPv4Address(UInt32(bigEndian: sender.sin_addr.s_addr)))
    }
}
