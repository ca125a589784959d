import Foundation
import Glibc
import Synchronization
import Testing

@testable import Network

/// A unique identity per test, from which every kernel object's name derives, so tests that
/// run in parallel (or leftovers of an earlier run) never collide.
struct TestIdentity {
    let id = UUID().uuidString.lowercased()
    var network: String { "test-net-\(id)" }
    func container(_ n: Int) -> String { "test-ctr-\(id)-\(n)" }
}

/// Hands out /24 subnets from 10.121.128.0/17 to tests: never the same one twice within this
/// process, and never one that a host route already covers (another process's tests).
enum TestSubnets {
    private static let inUse = Mutex<Set<UInt8>>([])

    static func reserve() throws -> IPv4Subnet {
        let routes = try NetlinkSocket().routes().filter { !$0.isDefault }
        for _ in 0..<500 {
            let octet = UInt8.random(in: 128...254)
            let subnet = IPv4Subnet(IPv4Address(10, 121, octet, 0), prefixLength: 24)
            if routes.contains(where: { $0.destination.overlaps(subnet) }) { continue }
            let taken = inUse.withLock { set in !set.insert(octet).inserted }
            if !taken { return subnet }
        }
        throw NetworkError(.exhausted, "no free test subnet in 10.121.128.0/17")
    }

    static func release(_ subnet: IPv4Subnet) {
        _ = inUse.withLock { $0.remove(subnet.network.bytes[2]) }
    }
}

func ipForwardSetting() throws -> String {
    try String(contentsOfFile: "/proc/sys/net/ipv4/ip_forward", encoding: .utf8)
        .trimmingCharacters(in: .whitespacesAndNewlines)
}

/// A container stand-in: a fresh network namespace attached to a bridge network.
struct AttachedNamespace {
    let namespace: NetworkNamespace
    let link: HostLink

    /// A UDP socket created (and so living) inside this namespace.
    func udpSocket(port: UInt16 = 0) throws -> UDPSocket {
        let address = link.address
        return try namespace.run { () throws(NetworkError) -> UDPSocket in
            do { return try UDPSocket(address: address, port: port) } catch let error as NetworkError {
                throw error
            } catch {
                throw NetworkError(.systemCall, "\(error)")
            }
        }
    }
}
