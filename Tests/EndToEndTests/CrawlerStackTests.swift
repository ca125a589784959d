import Foundation
import Network
import Testing

/// The reference stack (MISSION.md): the Go crawler built by a multi-stage Dockerfile, MariaDB
/// with a named volume and a healthcheck, the site it crawls, and a probe in MariaDB's network
/// namespace — brought up, checked, disturbed and torn down through the binary, as a user would.
@Suite(.serialized) struct CrawlerStackTests {
    final class Stack {
        let directory: TemporaryDirectory
        let project = "crawler\(UInt32.random(in: 0...UInt32.max) % 100_000)"
        let port: Int
        let logs: URL
        let environment: [String: String]
        let stackFile = CLI.repositoryRoot.appendingPathComponent("stacks/crawler.yaml").path

        init() throws {
            directory = try TemporaryDirectory("swiftstack-crawler")
            port = try freeLoopbackPort()
            logs = directory.url.appendingPathComponent("logs")
            environment = [
                "SWIFTSTACK_ROOT": directory.url.appendingPathComponent("state").path,
                "SWIFTSTACK_RUN": directory.url.appendingPathComponent("run").path,
                "CRAWLER_PORT": "\(port)", "CRAWLER_LOGS": logs.path,
            ]
            // The base images from their recipes (mmdebstrap tarballs are cached across runs).
            let images = try CLI.spawn(
                "/bin/bash",
                [CLI.repositoryRoot.appendingPathComponent("stacks/images/build.sh").path, CLI.binary.path],
                environment: environment)
            #expect(images.status == 0, "base images: \(images.stdout)\(images.stderr)")
        }

        deinit { _ = try? run(["down", "-v"]) }

        func run(_ arguments: [String], extraFiles: [String] = []) throws -> CLI.Result {
            let files = ([stackFile] + extraFiles).flatMap { ["--file", $0] }
            let verb = arguments.prefix(1)
            return try CLI.run(Array(verb) + files + ["-p", project] + arguments.dropFirst(), environment: environment)
        }

        func sql(_ query: String) throws -> String {
            try CLI.run(
                ["exec", "\(project)-mysql-1", "mariadb", "-ucrawler", "-pcrawler", "crawler", "-N", "-e", query],
                environment: environment
            ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func status() -> [String: Any]? {
            guard let result = try? CLI.spawn("/bin/busybox", ["wget", "-qO-", "http://127.0.0.1:\(port)/status"]),
                result.status == 0
            else { return nil }
            return try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        }

        func inspect(_ container: String) -> [String: Any]? {
            guard let result = try? CLI.run(["inspect", container], environment: environment), result.status == 0,
                let array = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]
            else { return nil }
            return array.first
        }

        func pid(_ container: String) -> Int32? {
            (inspect(container)?["State"] as? [String: Any])?["Pid"] as? Int32
                ?? ((inspect(container)?["State"] as? [String: Any])?["Pid"] as? Int).map(Int32.init)
        }
    }

    /// How many pages the site has, from the manifest its generator wrote.
    static func pageCount() throws -> Int {
        let url = CLI.repositoryRoot.appendingPathComponent("examples/site/manifest.json")
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        return try #require(manifest?["count"] as? Int)
    }

    @Test func crawlerStackEndToEnd() throws {
        let stack = try Stack()
        let up = try stack.run(["up", "-d", "--wait"])
        try #require(up.status == 0, "up: \(up.stderr)")

        // The crawl stores every page of the site (index at "/" plus the 60 pages).
        let pages = try Self.pageCount()
        #expect(
            eventually(120) {
                (stack.status()?["pages_stored"] as? Int) == pages && stack.status()?["done"] as? Bool == true
            })
        #expect(try stack.sql("SELECT COUNT(*) FROM pages") == "\(pages)")
        #expect(try stack.sql("SELECT title FROM pages WHERE url = 'http://site/page-05.html'") == "Page 05")
        #expect(
            try stack.sql("SELECT links FROM pages WHERE url = 'http://site/page-05.html'").contains(
                "http://site/page-06.html"))
        // Its log reached the host through the bind mount; the probe reached MariaDB on 127.0.0.1.
        #expect(
            eventually { FileManager.default.fileExists(atPath: stack.logs.appendingPathComponent("crawler.log").path) }
        )
        #expect(eventually(30) { (try? stack.run(["logs", "probe"]).stdout.contains("\(pages)")) == true })

        // Data survives down (without -v) and up.
        _ = try stack.sql(
            "INSERT INTO pages (url, status, title, links, fetched_at) VALUES ('marker', 0, 'kept', '', NOW())")
        #expect(try stack.run(["down"]).status == 0)
        #expect(try stack.run(["up", "-d", "--wait"]).status == 0)
        #expect(try stack.sql("SELECT title FROM pages WHERE url = 'marker'") == "kept")

        // Changing the crawler's environment recreates only the crawler.
        let override = try stack.directory.write(
            "override.yaml", "services:\n  crawler:\n    environment:\n      MAX_PAGES: \"500\"\n")
        let plan = try stack.run(["plan"], extraFiles: [override.path])
        #expect(
            plan.stdout.contains("~ recreate \(stack.project)-crawler-1: environment.MAX_PAGES added (\"500\")"),
            "\(plan.stdout)")
        #expect(plan.stdout.split(separator: "\n").filter { $0.contains("recreate") }.count == 1, "\(plan.stdout)")
        let mysqlID = stack.inspect("\(stack.project)-mysql-1")?["Id"] as? String
        #expect(try stack.run(["up", "-d", "--wait"], extraFiles: [override.path]).status == 0)
        #expect(stack.inspect("\(stack.project)-mysql-1")?["Id"] as? String == mysqlID)

        // kill -9 of the crawler's process: restarted (restart: on-failure).
        let crawlerPID = try #require(stack.pid("\(stack.project)-crawler-1"))
        kill(crawlerPID, SIGKILL)
        #expect(eventually(10) { stack.pid("\(stack.project)-crawler-1").map { $0 != crawlerPID } == true })

        // kill -9 of the supervisor loses nothing: containers keep running, the next ps re-adopts.
        let pidFile = stack.environment["SWIFTSTACK_RUN"]! + "/projects/\(stack.project)/supervisor.pid"
        if let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
            let pid = Int32(text.split(separator: " ").first ?? "")
        {
            kill(pid, SIGKILL)
        }
        let ps = try stack.run(["ps"])
        #expect(ps.stdout.contains("(healthy)"), "\(ps.stdout)")
        #expect(eventually(90) { (stack.status()?["done"] as? Bool) == true })
        #expect(try stack.sql("SELECT title FROM pages WHERE url = 'marker'") == "kept")

        // The final image is the binary and its configuration, nothing more (the lesson's 782 MB → 41 MB).
        let image = try CLI.run(["image", "inspect", "swiftstack/crawler"], environment: stack.environment)
        let size =
            ((try JSONSerialization.jsonObject(with: Data(image.stdout.utf8)) as? [[String: Any]])?.first?["Size"]
                as? Int) ?? 0
        let snapshots = stack.environment["SWIFTSTACK_ROOT"]! + "/images/snapshots"
        let payload = try FileManager.default.contentsOfDirectory(atPath: snapshots).reduce(0) { total, snapshot in
            let binary =
                (try? FileManager.default.attributesOfItem(atPath: "\(snapshots)/\(snapshot)/rootfs/app/crawler")[.size]
                    as? Int) ?? 0
            let config =
                (try? FileManager.default.attributesOfItem(atPath: "\(snapshots)/\(snapshot)/rootfs/app/config.toml")[
                    .size] as? Int) ?? 0
            return max(total, binary + config)
        }
        #expect(payload > 0 && Double(size) <= 1.1 * Double(payload), "image \(size) bytes for a payload of \(payload)")

        // down -v: nothing of the project remains — container, mount, link, cgroup, volume,
        // pinned namespace, process or directory.
        let ids = ["mysql", "site", "crawler", "probe"].compactMap {
            stack.inspect("\(stack.project)-\($0)-1")?["Id"] as? String
        }
        #expect(ids.count == 4)
        #expect(try stack.run(["down", "-v"]).status == 0)
        for id in ids {
            for controller in ["memory", "cpu", "pids"] {
                #expect(!FileManager.default.fileExists(atPath: "/sys/fs/cgroup/\(controller)/swiftstack/\(id)"))
            }
            #expect(!FileManager.default.fileExists(atPath: "/sys/fs/cgroup/swiftstack/\(id)"))
        }
        let bridge = LinkNames.bridge(network: "\(stack.project)_default")
        #expect(!FileManager.default.fileExists(atPath: "/sys/class/net/\(bridge)"), "bridge \(bridge) remains")
        let run = stack.environment["SWIFTSTACK_RUN"]!
        #expect(!FileManager.default.fileExists(atPath: run + "/netns/\(stack.project)"))
        #expect(!FileManager.default.fileExists(atPath: run + "/projects/\(stack.project)"))
        let processes = try FileManager.default.contentsOfDirectory(atPath: "/proc").filter { pid in
            guard Int(pid) != nil, let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else {
                return false
            }
            return String(decoding: data, as: UTF8.self).contains(stack.directory.url.path)
        }
        #expect(processes.isEmpty, "processes of the project remain: \(processes)")
        let state = stack.environment["SWIFTSTACK_ROOT"]!
        let running = (try? FileManager.default.contentsOfDirectory(atPath: state + "/containers")) ?? []
        #expect(running.isEmpty)
        let volumes = (try? FileManager.default.contentsOfDirectory(atPath: state + "/volumes")) ?? []
        #expect(!volumes.contains { $0.hasPrefix(stack.project) })
        let mounts = try String(contentsOfFile: "/proc/mounts", encoding: .utf8)
        #expect(!mounts.contains(stack.directory.url.path))
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on now.
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
        }
    }
    guard bound else { throw POSIXError(.EADDRINUSE) }
    return Int(UInt16(bigEndian: address.sin_port))
}
