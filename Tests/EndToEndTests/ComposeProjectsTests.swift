import Foundation
import Testing

/// Projects side by side: two projects from one stack file share no name, subnet or port, and
/// a command on a locked project waits, saying who holds the lock.
@Suite(.serialized) struct ComposeProjectsTests {
    @Test func twoProjectsFromOneFileRunSideBySide() throws {
        let sandbox = try SupervisorSandbox()
        let (a, b) = ("\(sandbox.project)a", "\(sandbox.project)b")
        let ports = (Int.random(in: 20_000..<30_000), Int.random(in: 30_000..<40_000))
        try sandbox.directory.write(
            "compose.yaml",
            """
            services:
              web:
                image: busybox
                init: true
                stop_grace_period: 1s
                environment: {NET: "${NET}"}
                command: ["sh", "-c", "mkdir -p /www; echo net $$NET > /www/index.html; httpd -f -p 80 -h /www"]
                ports: ["${PORT}:80"]
              client:
                image: busybox
                init: true
                stop_grace_period: 1s
                command: ["sleep", "600"]
            networks:
              default:
                ipam:
                  config: [{subnet: "10.121.${NET}.0/24"}]
            """)
        let nets = (sandbox.subnetOctet, TestSubnets.reserve(16..<128))
        defer { TestSubnets.release(nets.1) }
        let runs: [(project: String, net: Int, port: Int)] = [(a, nets.0, ports.0), (b, nets.1, ports.1)]
        let results = ResultsBox(count: 2)
        let (base, directory) = (sandbox.environment, sandbox.directory.url)
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let run = runs[index]
            var environment = base
            environment["NET"] = "\(run.net)"
            environment["PORT"] = "\(run.port)"
            results.set(
                index,
                try? CLI.run(
                    ["up", "-d", "--wait", "-p", run.project], in: directory, environment: environment))
        }
        for index in 0..<2 {
            let result = results.get(index)
            #expect(result?.status == 0, "\(runs[index].project): \(result?.stderr ?? "did not run")")
        }
        // Every command reads the stack file, so each project's commands get its variables.
        let inProject = { (run: (project: String, net: Int, port: Int), arguments: [String]) throws -> CLI.Result in
            var environment = base
            environment["NET"] = "\(run.net)"
            environment["PORT"] = "\(run.port)"
            return try CLI.run(
                [arguments[0], "-p", run.project] + arguments.dropFirst(), in: directory, environment: environment)
        }
        defer {
            for run in runs { _ = try? inProject(run, ["down", "-v"]) }
        }
        for run in runs {
            // Each client reaches its own project's web by name, on its own subnet.
            let answer = try inProject(run, ["exec", "client", "wget", "-q", "-O", "-", "http://web/"])
            #expect(answer.stdout == "net \(run.net)\n", "\(run.project): \(answer.stdout)\(answer.stderr)")
            let ps = try inProject(run, ["ps", "--format", "json"]).stdout
            #expect(ps.contains("\(run.project)-web-1") && ps.contains("0.0.0.0:\(run.port)->80/tcp"), "\(ps)")
            let other = run.project == a ? b : a
            #expect(!ps.contains("\(other)-"), "\(ps)")
        }
        // Down of one leaves the other running.
        #expect(try inProject(runs[0], ["down"]).status == 0)
        let answer = try inProject(runs[1], ["exec", "client", "wget", "-q", "-O", "-", "http://web/"])
        #expect(answer.stdout == "net \(nets.1)\n", "\(answer.stderr)")
    }

    @Test func downByProjectNameWithoutTheStackFileLeavesNothing() throws {
        let sandbox = try StackSandbox()
        try sandbox.writeStack()
        let up = try sandbox.run(["up", "-d", "--wait"])
        try #require(up.status == 0, "\(up.stderr)")
        try FileManager.default.removeItem(at: sandbox.directory.url.appendingPathComponent("compose.yaml"))
        let down = try sandbox.run(["down", "-v", "-p", sandbox.project])
        #expect(down.status == 0, "\(down.stderr)")
        try sandbox.expectNothingLeft()
    }

    @Test func upOnALockedProjectWaitsAndSaysWhoHoldsTheLock() throws {
        let sandbox = try SupervisorSandbox()
        try sandbox.writeStack(
            """
              web:
                image: busybox
                init: true
                stop_grace_period: 1s
                command: ["sleep", "600"]
            """)
        // The test holds the project's lock as a running swiftstack would.
        let locks = sandbox.runDirectory + "/locks"
        try FileManager.default.createDirectory(atPath: locks, withIntermediateDirectories: true)
        let fd = open("\(locks)/\(sandbox.project).lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        try #require(fd >= 0)
        defer { close(fd) }
        try #require(flock(fd, LOCK_EX) == 0)
        _ = "\(getpid())\n".withCString { pwrite(fd, $0, strlen($0), 0) }

        let output = sandbox.directory.url.appendingPathComponent("up.out").path
        let pid = try BackgroundCLI.spawn(
            ["up", "-d"], in: sandbox.directory.url, environment: sandbox.environment, output: output)
        let read = { (try? String(contentsOfFile: output, encoding: .utf8)) ?? "" }
        #expect(
            SupervisorSandbox.eventually(10) {
                read().contains("waiting for project \(sandbox.project): pid \(getpid())")
            },
            "\(read())")
        usleep(500_000)
        var status: Int32 = 0
        #expect(waitpid(pid, &status, WNOHANG) == 0, "up waits while the lock is held")
        #expect(!read().contains("create"), "nothing is created while waiting: \(read())")
        flock(fd, LOCK_UN)
        #expect(BackgroundCLI.wait(pid, seconds: 30) == 0, "\(read())")
        #expect(try sandbox.run(["ps"]).stdout.contains("\(sandbox.project)-web-1"))
    }
}

/// Results handed from concurrent `CLI.run`s.
private final class ResultsBox: @unchecked Sendable {
    private var results: [CLI.Result?]
    private let lock = NSLock()
    init(count: Int) { results = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ result: CLI.Result?) { lock.withLock { results[index] = result } }
    func get(_ index: Int) -> CLI.Result? { lock.withLock { results[index] } }
}
