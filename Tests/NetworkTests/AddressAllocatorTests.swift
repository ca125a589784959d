import Foundation
import JSON
import Testing

@testable import Network

/// The allocator is pure Swift over a state file: these tests need no privileges. Each uses
/// its own temporary directory.
@Suite struct AddressAllocatorTests {
    func withDirectory(_ body: (String) throws -> Void) throws {
        let directory = NSTemporaryDirectory() + "ipam-test-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try body(directory)
    }

    func address(_ text: String) throws -> IPv4Address { try #require(IPv4Address(text)) }
    func subnet(_ text: String) throws -> IPv4Subnet { try #require(IPv4Subnet(text)) }

    @Test func subnetsAreCarvedFromThePoolAvoidingHostRoutes() throws {
        try withDirectory { directory in
            let allocator = AddressAllocator(directory: directory)
            let routes = [try subnet("0.0.0.0/0"), try subnet("192.0.2.0/24"), try subnet("10.121.1.0/24")]
            let first = try allocator.reserveNetwork("a", hostRoutes: routes)
            #expect(first == .init(subnet: try subnet("10.121.0.0/24"), gateway: try address("10.121.0.1")))
            let second = try allocator.reserveNetwork("b", hostRoutes: routes)
            #expect(second.subnet == (try subnet("10.121.2.0/24")))
            #expect(try allocator.reserveNetwork("a", hostRoutes: routes) == first)
            #expect(try allocator.lease(of: "b") == second)
            try allocator.releaseNetwork("a")
            #expect(try allocator.lease(of: "a") == nil)
            #expect(try allocator.reserveNetwork("c", hostRoutes: routes).subnet == (try subnet("10.121.0.0/24")))
        }
    }

    @Test func leasedNetworksListsWhatHoldsASubnet() throws {
        try withDirectory { directory in
            let allocator = AddressAllocator(directory: directory)
            #expect(try allocator.leasedNetworks().isEmpty)
            _ = try allocator.reserveNetwork("b", hostRoutes: [])
            _ = try allocator.reserveNetwork("a", hostRoutes: [])
            #expect(try allocator.leasedNetworks() == ["a", "b"])
            try allocator.releaseNetwork("b")
            #expect(try allocator.leasedNetworks() == ["a"])
        }
    }

    @Test func requestedSubnetsThatOverlapAreRefused() throws {
        try withDirectory { directory in
            let allocator = AddressAllocator(directory: directory)
            let custom = try allocator.reserveNetwork(
                "custom", subnet: try subnet("172.30.0.0/16"), gateway: try address("172.30.0.254"), hostRoutes: [])
            #expect(custom.gateway == (try address("172.30.0.254")))

            let againstNetwork = #expect(throws: NetworkError.self) {
                try allocator.reserveNetwork("other", subnet: try subnet("172.30.5.0/24"), hostRoutes: [])
            }
            #expect(againstNetwork?.code == .subnetOverlap)
            #expect(againstNetwork?.message.contains("custom") == true)

            let againstRoute = #expect(throws: NetworkError.self) {
                try allocator.reserveNetwork(
                    "other", subnet: try subnet("192.0.2.128/25"), hostRoutes: [try subnet("192.0.2.0/24")])
            }
            #expect(againstRoute?.code == .subnetOverlap)
            #expect(againstRoute?.message.contains("192.0.2.0/24") == true)

            let badGateway = #expect(throws: NetworkError.self) {
                try allocator.reserveNetwork(
                    "other", subnet: try subnet("172.31.0.0/24"), gateway: try address("172.31.1.1"), hostRoutes: [])
            }
            #expect(badGateway?.code == .addressOutsideSubnet)
            #expect(try allocator.lease(of: "other") == nil)
        }
    }

    @Test func poolExhaustionIsReported() throws {
        try withDirectory { directory in
            let allocator = AddressAllocator(directory: directory, pool: try subnet("10.121.0.0/23"))
            _ = try allocator.reserveNetwork("a", hostRoutes: [])
            _ = try allocator.reserveNetwork("b", hostRoutes: [])
            let error = #expect(throws: NetworkError.self) { try allocator.reserveNetwork("c", hostRoutes: []) }
            #expect(error?.code == .exhausted)
        }
    }

    @Test func addressesAreStablePerContainerAndPersist() throws {
        try withDirectory { directory in
            let allocator = AddressAllocator(directory: directory)
            _ = try allocator.reserveNetwork("net", hostRoutes: [])
            #expect(try allocator.allocate(container: "web-1", network: "net") == (try address("10.121.0.2")))
            #expect(try allocator.allocate(container: "web-2", network: "net") == (try address("10.121.0.3")))
            #expect(try allocator.allocate(container: "web-1", network: "net") == (try address("10.121.0.2")))

            // A second instance (another process) sees the same state.
            let reopened = AddressAllocator(directory: directory)
            #expect(
                try reopened.allocations(network: "net") == [
                    "web-1": try address("10.121.0.2"), "web-2": try address("10.121.0.3"),
                ])
            #expect(try reopened.allocate(container: "db-1", network: "net") == (try address("10.121.0.4")))

            // Released addresses go to others last; their owner gets them back while free.
            try reopened.release(container: "web-1", network: "net")
            #expect(try allocator.allocate(container: "cache-1", network: "net") == (try address("10.121.0.5")))
            #expect(try allocator.allocate(container: "web-1", network: "net") == (try address("10.121.0.2")))

            let missing = #expect(throws: NetworkError.self) { try allocator.allocate(container: "x", network: "nope") }
            #expect(missing?.code == .notFound)
        }
    }

    @Test func requestedAddressesAreHonouredOrRefused() throws {
        try withDirectory { directory in
            let allocator = AddressAllocator(directory: directory)
            _ = try allocator.reserveNetwork("net", subnet: try subnet("10.121.9.0/24"), hostRoutes: [])
            #expect(
                try allocator.allocate(container: "db", network: "net", requested: try address("10.121.9.50"))
                    == (try address("10.121.9.50")))
            #expect(
                try allocator.allocate(container: "db", network: "net", requested: try address("10.121.9.50"))
                    == (try address("10.121.9.50")))

            let taken = #expect(throws: NetworkError.self) {
                try allocator.allocate(container: "web", network: "net", requested: try address("10.121.9.50"))
            }
            #expect(taken?.code == .addressInUse)
            #expect(taken?.message.contains("db") == true)

            for bad in ["10.121.10.5", "10.121.9.0", "10.121.9.255", "10.121.9.1"] {
                let outside = #expect(throws: NetworkError.self) {
                    try allocator.allocate(container: "web", network: "net", requested: try address(bad))
                }
                #expect(outside?.code == .addressOutsideSubnet)
            }
            #expect(try allocator.allocations(network: "net") == ["db": try address("10.121.9.50")])
        }
    }

    @Test func addressExhaustionReusesReleasedAddressesThenFails() throws {
        try withDirectory { directory in
            let allocator = AddressAllocator(directory: directory)
            // A /29 has 6 hosts; the gateway takes one.
            _ = try allocator.reserveNetwork("tiny", subnet: try subnet("10.121.5.0/29"), hostRoutes: [])
            let addresses = try (0..<5).map { try allocator.allocate(container: "c\($0)", network: "tiny") }
            #expect(Set(addresses).count == 5)
            let full = #expect(throws: NetworkError.self) { try allocator.allocate(container: "c5", network: "tiny") }
            #expect(full?.code == .exhausted)

            try allocator.release(container: "c3", network: "tiny")
            try allocator.release(container: "c1", network: "tiny")
            // The address released longest ago goes first.
            #expect(try allocator.allocate(container: "c5", network: "tiny") == addresses[3])
            #expect(try allocator.allocate(container: "c6", network: "tiny") == addresses[1])
        }
    }

    @Test func parallelAllocationsFromManyInstancesNeverCollide() async throws {
        try await withDirectoryAsync { directory in
            _ = try AddressAllocator(directory: directory).reserveNetwork("net", hostRoutes: [])
            let results = try await withThrowingTaskGroup(of: IPv4Address.self) { group in
                for worker in 0..<40 {
                    group.addTask {
                        // A fresh instance per task, as separate processes would have.
                        try AddressAllocator(directory: directory).allocate(container: "c\(worker)", network: "net")
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.count == 40)
            #expect(Set(results).count == 40)
            #expect(try AddressAllocator(directory: directory).allocations(network: "net").count == 40)
        }
    }

    @Test func parallelAllocationsFromSeveralProcessesNeverCollide() throws {
        // Real processes contend for the flock: each forked child allocates a few addresses.
        try withDirectory { directory in
            _ = try AddressAllocator(directory: directory).reserveNetwork("net", hostRoutes: [])
            var children: [pid_t] = []
            for worker in 0..<4 {
                let pid = fork()
                if pid == 0 {
                    let allocator = AddressAllocator(directory: directory)
                    for n in 0..<10 { _ = try? allocator.allocate(container: "p\(worker)-\(n)", network: "net") }
                    _exit(0)
                }
                try #require(pid > 0)
                children.append(pid)
            }
            // Bounded wait: a child forked from a multi-threaded test process could in principle
            // block on a lock another thread held at fork time; fail instead of hanging.
            let deadline = Date().addingTimeInterval(30)
            var running = Set(children)
            while !running.isEmpty, Date() < deadline {
                for pid in running {
                    var status: Int32 = 0
                    if waitpid(pid, &status, WNOHANG) == pid {
                        running.remove(pid)
                        #expect(status == 0, "allocating child \(pid) failed")
                    }
                }
                if !running.isEmpty { usleep(5_000) }
            }
            for pid in running {
                kill(pid, SIGKILL)
                waitpid(pid, nil, 0)
            }
            try #require(running.isEmpty, "allocating children did not finish in time")
            let allocations = try AddressAllocator(directory: directory).allocations(network: "net")
            #expect(allocations.count == 40)
            #expect(Set(allocations.values).count == 40)
        }
    }

    func withDirectoryAsync(_ body: (String) async throws -> Void) async throws {
        let directory = NSTemporaryDirectory() + "ipam-test-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await body(directory)
    }

    @Test func stateFileIsReadableJSON() throws {
        try withDirectory { directory in
            let allocator = AddressAllocator(directory: directory)
            _ = try allocator.reserveNetwork("net", hostRoutes: [])
            _ = try allocator.allocate(container: "web", network: "net")
            let text = try String(contentsOfFile: directory + "/ipam.json", encoding: .utf8)
            #expect(text.contains("\"10.121.0.2\""))
            #expect(text.contains("\"10.121.0.0/24\""))
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter {
                $0.contains(".tmp-")
            }
            #expect(leftovers.isEmpty)
        }
    }
}

/// `ipam.json` read and written by hand holds what the `Codable` form holds, both ways.
@Suite struct AllocatorStateJSONTests {
    @Test func handAndCodableFormsAgree() throws {
        var state = AllocatorState()
        var network = AllocatorState.Network(
            lease: AddressAllocator.NetworkLease(
                subnet: try #require(IPv4Subnet("10.121.7.0/24")), gateway: try #require(IPv4Address("10.121.7.1"))))
        network.assign(try #require(IPv4Address("10.121.7.2")), to: "a")
        network.assign(try #require(IPv4Address("10.121.7.3")), to: "b/c")
        network.release("a")
        state.networks["p_default"] = network
        state.networks["empty"] = AllocatorState.Network(
            lease: AddressAllocator.NetworkLease(
                subnet: try #require(IPv4Subnet("10.121.8.0/24")), gateway: try #require(IPv4Address("10.121.8.254"))))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let codable = Array(try encoder.encode(state))
        // What the Codable encoder wrote, read by hand; what we write, read by JSONDecoder.
        #expect(try AllocatorState(json: codable).encodedJSON() == state.encodedJSON())
        let back = try JSONDecoder().decode(AllocatorState.self, from: Data(state.encodedJSON()))
        #expect(Array(try encoder.encode(back)) == codable)
        #expect(throws: JSONError.self) { try AllocatorState(json: Array(#"{"networks":{}}"#.utf8)) }
    }
}
