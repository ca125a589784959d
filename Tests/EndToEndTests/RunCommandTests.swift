import Foundation
import Testing

/// `run`, `ps`, `logs`, `exec`, `stop`, `rm` driven through the binary, as a user would.
@Suite struct RunCommandTests {
    /// A state root with a busybox image imported from a directory.
    final class Root {
        let directory: TemporaryDirectory
        let environment: [String: String]

        init() throws {
            directory = try TemporaryDirectory("swiftstack-run")
            environment = ["SWIFTSTACK_ROOT": directory.url.appendingPathComponent("state").path]
            let rootfs = directory.url.appendingPathComponent("rootfs")
            try BusyboxImage.makeRootfs(at: rootfs)
            let imported = try CLI.run(["image", "import", rootfs.path, "busybox"], environment: environment)
            #expect(imported.status == 0, "\(imported.stderr)")
        }

        func run(_ arguments: [String]) throws -> CLI.Result {
            try CLI.run(arguments, environment: environment)
        }
    }

    @Test func exitCodesFollowDockersConvention() throws {
        let root = try Root()
        #expect(try root.run(["run", "--rm", "--network", "none", "busybox", "sh", "-c", "exit 42"]).status == 42)
        #expect(try root.run(["run", "--rm", "--network", "none", "busybox", "true"]).status == 0)
        let missingImage = try root.run(["run", "--rm", "--network", "none", "no-such-image", "true"])
        #expect(missingImage.status == 125)
        #expect(missingImage.stderr.contains("no-such-image"), "\(missingImage.stderr)")
        let notFound = try root.run(["run", "--rm", "--network", "none", "busybox", "/no/such/command"])
        #expect(notFound.status == 127, "\(notFound.stderr)")
        let notExecutable = try root.run(["run", "--rm", "--network", "none", "busybox", "/etc/passwd"])
        #expect(notExecutable.status == 126, "\(notExecutable.stderr)")
        let output = try root.run([
            "run", "--rm", "--network", "none", "-e", "GREETING=hello", "busybox", "sh", "-c", "echo $GREETING",
        ])
        #expect(output.stdout == "hello\n")
    }

    @Test func detachedContainerOutlivesTheCLIAndIsManagedByName() throws {
        let root = try Root()
        let name = "bg\(UInt32.random(in: 0...UInt32.max))"
        defer { _ = try? root.run(["rm", "-f", name]) }
        let started = try root.run(
            [
                "run", "-d", "--name", name, "--network", "none", "--init", "busybox", "sh", "-c",
                "echo started; sleep 60",
            ])
        #expect(started.status == 0, "\(started.stderr)")
        #expect(try root.run(["ps"]).stdout.contains(name))
        #expect(eventually { (try? root.run(["logs", name]).stdout.contains("started")) == true })
        let exec = try root.run(["exec", name, "sh", "-c", "echo inside; exit 3"])
        #expect(exec.status == 3)
        #expect(exec.stdout == "inside\n")
        #expect(try root.run(["stop", "-t", "1", name]).status == 0)
        #expect(!(try root.run(["ps"]).stdout.contains(name)))
        #expect(try root.run(["ps", "-a"]).stdout.contains(name))
        #expect(try root.run(["logs", name]).stdout.contains("started"), "logs survive the container's exit")
        #expect(try root.run(["rm", name]).status == 0)
        #expect(!(try root.run(["ps", "-a"]).stdout.contains(name)))
    }

    /// The lesson's reader question: a program's log file reaches the host through a bind mount.
    @Test func bindMountedLogFileIsVisibleOnTheHost() throws {
        let root = try Root()
        let logs = root.directory.url.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let result = try root.run(
            [
                "run", "--rm", "--network", "none", "-v", "\(logs.path):/app/logs", "busybox", "sh", "-c",
                "echo crawled >> /app/logs/crawler.log",
            ])
        #expect(result.status == 0, "\(result.stderr)")
        let text = try String(contentsOf: logs.appendingPathComponent("crawler.log"), encoding: .utf8)
        #expect(text == "crawled\n")
    }
}
