import Glibc
import Testing

@testable import Network

/// A minimal DNS client for the tests: one question out, rcode and A answers back.
struct DNSTestClient {
    let port: UInt16

    static func query(id: UInt16, name: String, type: UInt16) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
        for label in name.split(separator: ".") {
            bytes.append(UInt8(label.utf8.count))
            bytes.append(contentsOf: label.utf8)
        }
        bytes += [0, UInt8(type >> 8), UInt8(type & 0xFF), 0, 1]
        return bytes
    }

    struct Answer: Equatable {
        var id: UInt16
        var code: UInt16
        var authoritative: Bool
        var addresses: [IPv4Address]
    }

    static func parse(_ bytes: [UInt8]) throws -> Answer {
        try #require(bytes.count >= 12)
        func word(_ at: Int) -> UInt16 { UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1]) }
        let answerCount = Int(word(6))
        var offset = 12
        for _ in 0..<word(4) {
            while bytes[offset] != 0 { offset += Int(bytes[offset]) + 1 }
            offset += 5
        }
        var addresses: [IPv4Address] = []
        for _ in 0..<answerCount {
            try #require(bytes[offset] & 0xC0 == 0xC0)
            let type = word(offset + 2)
            let length = Int(word(offset + 10))
            if type == 1, length == 4 {
                addresses.append(
                    IPv4Address(bytes[offset + 12], bytes[offset + 13], bytes[offset + 14], bytes[offset + 15]))
            }
            offset += 12 + length
        }
        return Answer(id: word(0), code: word(2) & 0xF, authoritative: word(2) & 0x0400 != 0, addresses: addresses)
    }

    /// Sends a real query over loopback and parses the reply.
    func ask(_ name: String, type: UInt16 = 1) throws -> Answer {
        let socket = try UDPSocket(address: IPv4Address(127, 0, 0, 1))
        let id = UInt16.random(in: 1...UInt16.max)
        try socket.send(bytes: Self.query(id: id, name: name, type: type), to: IPv4Address(127, 0, 0, 1), port: port)
        let answer = try Self.parse(try socket.receiveBytes().bytes)
        #expect(answer.id == id)
        return answer
    }
}

@Suite struct DNSServerTests {
    static let noError: UInt16 = 0, nameError: UInt16 = 3, refused: UInt16 = 5, formatError: UInt16 = 1

    func withServer(_ body: (DNSRecords, DNSTestClient) throws -> Void) async throws {
        let records = DNSRecords()
        let server = try await DNSServer.start(
            host: "127.0.0.1", port: 0, responder: DNSResponder(domain: "myproject", records: records))
        do {
            try body(records, DNSTestClient(port: UInt16(server.boundPort)))
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test func knownNamesGetARecordsWithOrWithoutTheDomain() async throws {
        try await withServer { records, client in
            records.set("web", to: [IPv4Address(10, 121, 4, 2)])
            records.set("myproject-web-1", to: [IPv4Address(10, 121, 4, 2)])
            for name in ["web", "web.myproject", "WEB.MyProject", "myproject-web-1.myproject"] {
                let answer = try client.ask(name)
                #expect(answer.code == Self.noError, "\(name)")
                #expect(answer.authoritative)
                #expect(answer.addresses == [IPv4Address(10, 121, 4, 2)], "\(name)")
            }
        }
    }

    @Test func aaaaOfAKnownNameIsNoDataNotNXDomain() async throws {
        try await withServer { records, client in
            records.set("db", to: [IPv4Address(10, 121, 4, 3)])
            let answer = try client.ask("db.myproject", type: 28)
            #expect(answer.code == Self.noError)
            #expect(answer.addresses.isEmpty)
            #expect(try client.ask("nothere.myproject", type: 28).code == Self.nameError)
        }
    }

    @Test func unknownNamesInTheDomainAreNXDomainAndOthersRefused() async throws {
        try await withServer { _, client in
            #expect(try client.ask("nothere.myproject").code == Self.nameError)
            #expect(try client.ask("nothere").code == Self.nameError)
            let outside = try client.ask("example.com")
            #expect(outside.code == Self.refused)
            #expect(outside.addresses.isEmpty)
            #expect(try client.ask("web.otherproject").code == Self.refused)
        }
    }

    @Test func replicasRotateAndChangesAreVisibleAtOnce() async throws {
        try await withServer { records, client in
            let replicas = [IPv4Address(10, 121, 4, 2), IPv4Address(10, 121, 4, 3), IPv4Address(10, 121, 4, 4)]
            records.set("api", to: replicas)
            let answers = try (0..<3).map { _ in try client.ask("api").addresses }
            #expect(answers.allSatisfy { Set($0) == Set(replicas) })
            #expect(Set(answers.map(\.first)).count == 3)

            records.remove(replicas[1], for: "api")
            #expect(Set(try client.ask("api").addresses) == [replicas[0], replicas[2]])
            records.remove(replicas[0], for: "api")
            records.remove(replicas[2], for: "api")
            #expect(try client.ask("api").code == Self.nameError)
            records.add(replicas[1], for: "api")
            #expect(try client.ask("api.myproject").addresses == [replicas[1]])
        }
    }

    @Test func malformedQueriesGetFormatErrorOrNothing() async throws {
        try await withServer { _, client in
            let socket = try UDPSocket(address: IPv4Address(127, 0, 0, 1), receiveTimeoutSeconds: 1)
            // A header announcing one question with none following.
            try socket.send(
                bytes: [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0], to: IPv4Address(127, 0, 0, 1),
                port: client.port)
            let reply = try DNSTestClient.parse(try socket.receiveBytes().bytes)
            #expect(reply.id == 0x1234)
            #expect(reply.code == Self.formatError)
            // Too short to carry an id: dropped, and the server keeps answering.
            try socket.send(bytes: [1, 2, 3], to: IPv4Address(127, 0, 0, 1), port: client.port)
            #expect(throws: NetworkError.self) { try socket.receiveBytes() }
            #expect(try client.ask("x.myproject").code == Self.nameError)
        }
    }

    @Test func responderNeverAnswersResponsesOrGarbage() {
        let responder = DNSResponder(domain: "p", records: DNSRecords())
        var response = DNSTestClient.query(id: 7, name: "a.p", type: 1)
        response[2] |= 0x80
        #expect(responder.respond(to: response) == nil)
        #expect(responder.respond(to: []) == nil)
        // A label running past the end of the packet.
        #expect(responder.respond(to: [0, 9, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 40, 65]).map { $0[3] & 0xF } == 1)
    }
}

@Suite struct DNSOverTCPTests {
    @Test func tcpQueriesAreAnsweredOnTheSamePort() async throws {
        let records = DNSRecords()
        records.set("web", to: [IPv4Address(10, 121, 4, 2)])
        let server = try await DNSServer.start(
            host: "127.0.0.1", port: 0, responder: DNSResponder(domain: "p", records: records))
        do {
            try exchangeTwoQueries(port: UInt16(server.boundPort))
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    func exchangeTwoQueries(port: UInt16) throws {

        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = UDPSocket.socketAddress(IPv4Address(127, 0, 0, 1), port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(connected == 0)

        // Two queries in one write: both are answered, in order.
        var stream: [UInt8] = []
        for (id, name) in [(UInt16(1), "web.p"), (UInt16(2), "example.org")] {
            let query = DNSTestClient.query(id: id, name: name, type: 1)
            stream += [UInt8(query.count >> 8), UInt8(query.count & 0xFF)] + query
        }
        #expect(write(descriptor, stream, stream.count) == stream.count)

        var received: [UInt8] = []
        var answers: [DNSTestClient.Answer] = []
        while answers.count < 2 {
            var chunk = [UInt8](repeating: 0, count: 1024)
            let count = read(descriptor, &chunk, chunk.count)
            try #require(count > 0)
            received += chunk[0..<count]
            while received.count >= 2, received.count >= 2 + (Int(received[0]) << 8 | Int(received[1])) {
                let length = Int(received[0]) << 8 | Int(received[1])
                answers.append(try DNSTestClient.parse(Array(received[2..<2 + length])))
                received.removeFirst(2 + length)
            }
        }
        #expect(answers[0].id == 1 && answers[0].code == 0 && answers[0].addresses == [IPv4Address(10, 121, 4, 2)])
        #expect(answers[1].id == 2 && answers[1].code == 5)
    }
}

@Suite struct DNSServerStartupTests {
    @Test func aPortInUseIsAClearError() async throws {
        let responder = DNSResponder(domain: "p", records: DNSRecords())
        let first = try await DNSServer.start(host: "127.0.0.1", port: 0, responder: responder)
        let error: NetworkError?
        do {
            let second = try await DNSServer.start(host: "127.0.0.1", port: first.boundPort, responder: responder)
            await second.stop()
            error = nil
        } catch let caught {
            error = caught
        }
        await first.stop()
        #expect(error?.code == .alreadyExists)
        #expect(error?.message.contains("127.0.0.1:\(first.boundPort)") == true)

        let missing: NetworkError?
        do {
            let server = try await DNSServer.start(host: "198.51.100.254", port: 0, responder: responder)
            await server.stop()
            missing = nil
        } catch let caught {
            missing = caught
        }
        #expect(missing?.code == .systemCall)
        #expect(missing?.errno == EADDRNOTAVAIL)
    }
}
