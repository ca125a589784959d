import Foundation
import Network
import Testing

/// A project of the test's own: state root, run directory, a reserved subnet and a busybox
/// image; `down -v` in deinit whatever happened, so no container, mount or process leaks.
class StackSandbox {
    let directory: TemporaryDirectory
    let project: String
    let subnetOctet: Int
    var environment: [String: String]

    init(directoryPrefix: String = "swiftstack-stack", projectPrefix: String = "e2e", subnets: Range<Int> = 16..<116)
        throws
    {
        directory = try TemporaryDirectory(directoryPrefix)
        project = "\(projectPrefix)\(UInt32.random(in: 0...UInt32.max) % 1_000_000)"
        subnetOctet = TestSubnets.reserve(subnets)
        environment = [
            "SWIFTSTACK_ROOT": directory.url.appendingPathComponent("state").path,
            "SWIFTSTACK_RUN": directory.url.appendingPathComponent("run").path,
        ]
        try BusyboxImage.importImage(scratch: directory.url, environment: environment)
    }

    deinit {
        // Whatever a failed test left running goes, so nothing leaks.
        _ = try? CLI.run(["down", "-v", "-p", project], in: directory.url, environment: environment)
        TestSubnets.release(subnetOctet)
    }

    @discardableResult
    func run(_ arguments: [String], input: String? = nil) throws -> CLI.Result {
        try CLI.run(arguments, in: directory.url, environment: environment, input: input)
    }

    func writeStack(clientLevel: String = "info") throws {
        try directory.write(
            "compose.yaml",
            """
            name: \(project)
            services:
              web:
                image: busybox
                init: true
                stop_grace_period: 1s
                command: ["httpd", "-f", "-p", "80", "-h", "/www"]
                volumes: ["./www:/www:ro"]
              client:
                image: busybox
                init: true
                stop_grace_period: 1s
                environment:
                  LEVEL: \(clientLevel)
                command: ["sh", "-c", "wget -q -O - http://web/ && echo; echo run >> /data/runs; sleep 600"]
                volumes: ["data:/data"]
                depends_on: [web]
            networks:
              default:
                ipam:
                  config: [{subnet: 10.121.\(subnetOctet).0/24}]
            volumes:
              data: {}
            """)
        try directory.write("www/index.html", "hello from \(project)\n")
    }

    var stateRoot: String { environment["SWIFTSTACK_ROOT"]! }
    var runDirectory: String { environment["SWIFTSTACK_RUN"]! }

    /// What a finished `down -v` must leave: no container, mount, pinned namespace, bridge,
    /// monitor process or volume of this project.
    func expectNothingLeft(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let containers = (try? FileManager.default.contentsOfDirectory(atPath: stateRoot + "/containers")) ?? []
        #expect(containers.isEmpty, "containers left: \(containers)", sourceLocation: sourceLocation)
        let mounts = try String(contentsOfFile: "/proc/mounts", encoding: .utf8)
        #expect(!mounts.contains(directory.url.path), "a mount of the project remains", sourceLocation: sourceLocation)
        #expect(
            !FileManager.default.fileExists(atPath: runDirectory + "/netns/\(project)"),
            "pinned namespaces remain", sourceLocation: sourceLocation)
        let bridge = LinkNames.bridge(network: "\(project)_default")
        #expect(
            !FileManager.default.fileExists(atPath: "/sys/class/net/\(bridge)"), "bridge \(bridge) remains",
            sourceLocation: sourceLocation)
        // Removed networks' bridges are deleted in the background, after a grace period of 2 s
        // (in which an `up` may take them back).
        let retired = stateRoot + "/ipam/retired-links"
        #expect(
            eventually(10) { ((try? FileManager.default.contentsOfDirectory(atPath: retired)) ?? []).isEmpty },
            "retired bridges remain", sourceLocation: sourceLocation)
        let volumes = (try? FileManager.default.contentsOfDirectory(atPath: stateRoot + "/volumes")) ?? []
        #expect(
            volumes.filter { $0.hasPrefix(project) }.isEmpty, "volumes left: \(volumes)", sourceLocation: sourceLocation
        )
        let monitors = try FileManager.default.contentsOfDirectory(atPath: "/proc").filter { pid in
            guard Int(pid) != nil, let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else {
                return false
            }
            return String(decoding: data, as: UTF8.self).contains(stateRoot)
        }
        #expect(monitors.isEmpty, "processes of the project remain: \(monitors)", sourceLocation: sourceLocation)
    }

    var volumeFile: String {
        environment["SWIFTSTACK_ROOT"]! + "/volumes/\(project)_data/_data/runs"
    }

}

/// Polls `body` until it returns true or `seconds` pass.
func eventually(_ seconds: Double = 10, _ body: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try body() { return true }
        usleep(50_000)
    }
    return try body()
}
