import Foundation
import Testing

/// `up`, `plan`, `down` of a real busybox stack on a bridge, through the built binary.
@Suite(.serialized) struct StackLifecycleTests {
    /// A state root, run directory and busybox image of this test's own, removed at the end.
    final class Sandbox {
        let directory: TemporaryDirectory
        let project: String
        let subnetOctet: Int
        var environment: [String: String]

        init() throws {
            directory = try TemporaryDirectory("swiftstack-stack")
            project = "e2e\(UInt32.random(in: 0...UInt32.max) % 100_000)"
            subnetOctet = 16 + Int.random(in: 0..<100)
            environment = [
                "SWIFTSTACK_ROOT": directory.url.appendingPathComponent("state").path,
                "SWIFTSTACK_RUN": directory.url.appendingPathComponent("run").path,
            ]
            try Self.makeBusybox(in: directory.url.appendingPathComponent("bb"))
            let tarball = directory.url.appendingPathComponent("bb.tar").path
            try Self.tar(directory.url.appendingPathComponent("bb").path, into: tarball)
            let imported = try CLI.run(["image", "import", tarball, "busybox"], environment: environment)
            #expect(imported.status == 0, "\(imported.stderr)")
        }

        deinit {
            // Whatever a failed test left running goes, so nothing leaks.
            _ = try? CLI.run(["down", "-v", "-p", project], in: directory.url, environment: environment)
        }

        func run(_ arguments: [String]) throws -> CLI.Result {
            try CLI.run(arguments, in: directory.url, environment: environment)
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

        var volumeFile: String {
            environment["SWIFTSTACK_ROOT"]! + "/volumes/\(project)_data/_data/runs"
        }

        static func makeBusybox(in root: URL) throws {
            let bin = root.appendingPathComponent("bin")
            try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: "/bin/busybox", toPath: bin.appendingPathComponent("busybox").path)
            for applet in ["sh", "httpd", "wget", "echo", "sleep", "cat", "true"] {
                try FileManager.default.createSymbolicLink(
                    atPath: bin.appendingPathComponent(applet).path, withDestinationPath: "busybox")
            }
            let etc = root.appendingPathComponent("etc")
            try FileManager.default.createDirectory(at: etc, withIntermediateDirectories: true)
            try "root:x:0:0:root:/root:/bin/sh\n".write(
                to: etc.appendingPathComponent("passwd"), atomically: true, encoding: .utf8)
            try "root:x:0:\n".write(to: etc.appendingPathComponent("group"), atomically: true, encoding: .utf8)
        }

        static func tar(_ directory: String, into tarball: String) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
            process.arguments = ["-C", directory, "-cf", tarball, "."]
            try process.run()
            process.waitUntilExit()
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

    @Test func upResolvesNamesPlansNothingRecreatesOnlyWhatChangedAndDownLeavesNothing() throws {
        let sandbox = try Sandbox()
        try sandbox.writeStack()

        let up = try sandbox.run(["up", "-d", "--wait"])
        #expect(up.status == 0, "\(up.stderr)")
        // The client reached web by its service name through the project's bridge.
        let reached = try eventually {
            try sandbox.run(["logs", "\(sandbox.project)-client-1"]).stdout.contains("hello from \(sandbox.project)")
        }
        #expect(reached)

        let noop = try sandbox.run(["plan"])
        #expect(noop.stdout.contains("nothing to do (2 containers up to date)"), "\(noop.stdout)\(noop.stderr)")

        try sandbox.writeStack(clientLevel: "debug")
        let plan = try sandbox.run(["plan"])
        #expect(
            plan.stdout.contains(
                #"~ recreate \#(sandbox.project)-client-1: environment.LEVEL changed ("info" → "debug")"#),
            "\(plan.stdout)")
        #expect(!plan.stdout.contains("-web-1:"), "web is unchanged: \(plan.stdout)")
        let recreate = try sandbox.run(["up", "-d"])
        #expect(recreate.status == 0, "\(recreate.stderr)")
        #expect(
            eventually {
                (try? String(contentsOfFile: sandbox.volumeFile, encoding: .utf8))?.split(separator: "\n").count == 2
            })

        // Named volumes survive down without -v.
        let down = try sandbox.run(["down"])
        #expect(down.status == 0, "\(down.stderr)")
        #expect(FileManager.default.fileExists(atPath: sandbox.volumeFile))
        #expect(try sandbox.run(["up", "-d"]).status == 0)
        #expect(
            eventually {
                (try? String(contentsOfFile: sandbox.volumeFile, encoding: .utf8))?.split(separator: "\n").count == 3
            })

        let downAll = try sandbox.run(["down", "-v"])
        #expect(downAll.status == 0, "\(downAll.stderr)")
        let state = sandbox.environment["SWIFTSTACK_ROOT"]!
        #expect(!FileManager.default.fileExists(atPath: sandbox.volumeFile), "down -v removes volumes")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: state + "/containers")) ?? []).isEmpty)
        let mounts = try String(contentsOfFile: "/proc/mounts", encoding: .utf8)
        #expect(!mounts.contains(sandbox.directory.url.path), "no mount of the project remains")
        let netns =
            (try? FileManager.default.contentsOfDirectory(atPath: sandbox.environment["SWIFTSTACK_RUN"]! + "/netns"))
            ?? []
        #expect(netns.isEmpty, "network namespaces are unpinned")
    }
}
