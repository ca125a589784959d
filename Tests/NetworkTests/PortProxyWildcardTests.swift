import Foundation
import Glibc
import Testing

@testable import Network

/// Published ports without a host address: one dual-stack listener takes IPv4 and IPv6, and the
/// label `run -p` stores its mappings in reads back as written.
@Suite struct PortProxyWildcardTests {
    @Test func aLabelReadsBackAsWritten() {
        let mappings = [
            PortMapping(hostPort: 8080, targetPort: 80, transport: .tcp),
            PortMapping(hostIP: "127.0.0.1", hostPort: 5353, targetPort: 53, transport: .udp),
        ]
        let label = PortMapping.label(mappings)
        #expect(label == "0.0.0.0:8080:80/tcp,127.0.0.1:5353:53/udp")
        #expect(PortMapping.parse(label: label) == mappings)
        #expect(PortMapping.parse(label: "garbage,1:2/tcp") == [], "entries it cannot read are skipped")
        #expect(mappings[0].description == "0.0.0.0:8080->80/tcp")
    }

    @Test func udpOnEveryAddressAnswersOverIPv4AndIPv6() async throws {
        let backend = try UDPSocket(address: IPv4Address(127, 0, 0, 1))
        defer { withExtendedLifetime(backend) {} }
        let port = try PortAvailability.freePort(host: PortMapping.everyAddress, transport: .udp)
        let target = Int(backend.port)
        let proxy = try await PortProxy.start(host: PortMapping.everyAddress, port: port, transport: .udp) {
            (IPv4Address(127, 0, 0, 1), target)
        }
        defer { Task { await proxy.stop() } }
        // The echo starts only now: resuming after the await above may wait for a thread of the
        // test run's cooperative pool for a long time, and the backend's receive timeout (3 s)
        // must not run out before the first datagram.
        let backendFD = backend.descriptor
        // Echoes two datagrams (one per client family), then stops.
        Thread.detachNewThread {
            for _ in 0..<2 {
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
        }
        #expect(Self.exchange(family: AF_INET, port: port) == "echo:v4")
        if PortAvailability.hasIPv6 {
            #expect(Self.exchange(family: AF_INET6, port: port) == "echo:v6")
        }
        // The listener holds the port for both families: a check names it as taken.
        #expect(throws: NetworkError.self) {
            try PortAvailability.check(host: PortMapping.everyAddress, port: port, transport: .udp)
        }
    }

    /// Sends "v4"/"v6" to the loopback address of `family` on `port`; the reply, "" on none.
    static func exchange(family: Int32, port: Int) -> String {
        let fd = socket(family, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let payload = Array((family == AF_INET ? "v4" : "v6").utf8)
        let sent: Int
        if family == AF_INET {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr = in_addr(s_addr: UInt32(0x7F00_0001).bigEndian)
            sent = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, payload, payload.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        } else {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = UInt16(port).bigEndian
            address.sin6_addr = in6addr_loopback
            sent = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, payload, payload.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
        guard sent == payload.count else { return "" }
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = recv(fd, &buffer, buffer.count, 0)
        return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : ""
    }
}
