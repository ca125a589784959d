import Foundation
import Testing

/// A supervisor test's project: a `StackSandbox` whose services each test writes itself.
final class SupervisorSandbox: StackSandbox {
    init() throws {
        try super.init(directoryPrefix: "swiftstack-sup", projectPrefix: "sup", subnets: 16..<128)
    }

    var supervisorDirectory: String { "\(runDirectory)/projects/\(project)" }

    /// Writes compose.yaml: `services` (YAML, service names indented by two) on the test's own subnet.
    /// A second subnet of the test's own, for a second network.
    var secondSubnetOctet: Int { 16 + (subnetOctet - 16 + 56) % 112 }

    func writeStack(_ services: String, networks: String = "") throws {
        try directory.write(
            "compose.yaml",
            """
            name: \(project)
            services:
            \(services)
            networks:
              default:
                ipam:
                  config: [{subnet: 10.121.\(subnetOctet).0/24}]
            \(networks)
            """)
    }

    /// The supervisor's pid from its pid file, nil when none is recorded.
    var supervisorPid: Int32? {
        guard let text = try? String(contentsOfFile: supervisorDirectory + "/supervisor.pid", encoding: .utf8) else {
            return nil
        }
        return text.split(separator: " ").first.flatMap { Int32($0) }
    }

    /// The host pid of a container's first process, from `inspect`.
    func pid(of container: String) throws -> Int32? {
        let inspect = try run(["inspect", container]).stdout
        guard let range = inspect.range(of: #""Pid"\s*:\s*[0-9]+"#, options: .regularExpression) else { return nil }
        return Int32(inspect[range].split(separator: ":").last!.trimmingCharacters(in: .whitespaces))
    }

    /// The addresses `nslookup NAME` prints from inside `container` (the server's own excluded).
    func lookup(_ name: String, from container: String) throws -> [String] {
        let output = try run(["exec", container, "nslookup", name]).stdout
        var addresses: [String] = []
        var answers = false
        for line in output.split(separator: "\n") {
            if line.hasPrefix("Name:") { answers = true }
            if answers, line.hasPrefix("Address:") {
                addresses.append(line.dropFirst("Address:".count).trimmingCharacters(in: .whitespaces))
            }
        }
        return addresses
    }

    /// Polls `body` until it returns true or `seconds` pass.
    static func eventually(_ seconds: Double = 10, _ body: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try body() { return true }
            usleep(50_000)
        }
        return try body()
    }

    /// Whether a process with this pid exists (and is not a zombie).
    static func processExists(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        guard let close = stat.lastIndex(of: ")") else { return false }
        return !stat[stat.index(close, offsetBy: 2)...].hasPrefix("Z")
    }
}
