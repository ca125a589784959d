import Foundation
import JSON
import Testing

@testable import Runtime

/// `config.json` written and read by hand must be exactly what JSONEncoder writes and what
/// JSONDecoder reads, for every kind of field.
@Suite struct ContainerSpecJSONTests {
    static let specs: [ContainerSpec] = {
        let plain = ContainerSpec(lowerDirectories: ["/l1"], command: ["true"])
        var rich = ContainerSpec(
            id: String(repeating: "ab", count: 32), name: "web.1", image: "registry/app:1.0",
            lowerDirectories: ["/var/lib/s/a", "/var/lib/s/b"], command: ["sh", "-c", "echo \"$A\"\n\ttab\\ é🐳"],
            environment: ["A=1", "PATH=/usr/bin:/bin"], workingDirectory: "/srv/app", user: "app:staff",
            hostname: "box",
            mounts: [
                Mount(kind: .bind, source: "/host/data", target: "/data", readOnly: true),
                Mount(kind: .volume, source: "db", target: "/var/lib/mysql"),
                Mount(kind: .tmpfs, target: "/run", options: "size=64m,mode=1777"),
            ],
            network: .container(String(repeating: "cd", count: 32)),
            limits: ResourceLimits(memoryBytes: 64 << 20, cpus: 0.5, pids: 100, openFiles: 1024),
            capAdd: ["NET_ADMIN"], capDrop: ["ALL"], readOnlyRootfs: true, useInit: true, tty: true, stopSignal: 3,
            stopTimeoutSeconds: 30, autoRemove: true, extraHosts: ["h:10.0.0.1"], dnsServers: ["10.121.0.1"],
            labels: ["swiftstack.project": "p", "Z": "/", "a": ""])
        var host = plain
        host.network = .host
        host.limits = ResourceLimits(cpus: 2)
        var namespace = plain
        namespace.network = .namespace("/run/swiftstack/netns/x")
        return [plain, rich, host, namespace]
    }()

    @Test(arguments: specs) func matchesJSONEncoderAndDecoder(_ spec: ContainerSpec) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let foundation = try encoder.encode(spec)
        #expect(String(decoding: spec.encodedJSON(), as: UTF8.self) == String(decoding: foundation, as: UTF8.self))
        #expect(try ContainerSpec(json: Array(foundation)) == spec)
        #expect(try JSONDecoder().decode(ContainerSpec.self, from: Data(spec.encodedJSON())) == spec)
    }

    @Test func refusesWhatJSONDecoderRefuses() throws {
        var object = try JSONObject(parsing: Self.specs[0].encodedJSON()).members
        object["tty"] = nil
        let missing = JSONValue.object(object).serialized()
        #expect(throws: JSONError.self) { try ContainerSpec(json: missing) }
        #expect(throws: (any Error).self) { try JSONDecoder().decode(ContainerSpec.self, from: Data(missing)) }
        object["tty"] = .string("yes")
        #expect(throws: JSONError.self) { try ContainerSpec(json: JSONValue.object(object).serialized()) }
    }
}
