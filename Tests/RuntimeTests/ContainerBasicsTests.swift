import Foundation
import Glibc
import Runtime
import Testing

@Suite("Container isolation and process")
struct ContainerBasicsTests {
    @Test func runsAsPidOneWithItsOwnHostnameAndProcesses() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let result = try box.run("echo pid=$$; hostname; ps -o pid,comm | tail -n +2 | wc -l") { $0.hostname = "boxy" }
        #expect(result.exitCode == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.first == "pid=1")
        #expect(lines.count > 1 && lines[1] == "boxy")
        // sh (pid 1), ps, tail, wc: nothing of the host.
        #expect(lines.count > 2 && Int(lines[2])! <= 4, "\(result.stdout)")
    }
}
