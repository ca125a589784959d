import Foundation
import Testing

/// The reconcile soak: random `kill -9`s of container processes and random edits of the stack
/// file (an environment value, a replica count) at random intervals for
/// `SWIFTSTACK_SOAK_SECONDS` (20 s by default; `make soak` runs an hour). At the end the stack
/// matches the file and the reconcile process has not grown: file descriptors and threads
/// equal (±2), resident memory within +20% or +8 MiB of what it was after warm-up, and no more
/// than a few ended children left unreaped.
/// `SWIFTSTACK_SOAK_SEED` replays a run (the seed is printed).
@Suite(.serialized) struct ReconcileSoakTests {
    /// A small seeded generator (SplitMix64), so a failing run can be replayed.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// What the reconcile process holds, from /proc.
    struct Usage: CustomStringConvertible {
        var descriptors: Int
        var threads: Int
        var residentKiB: Int
        /// Children that ended and were never reaped.
        var zombies: Int

        init?(pid: pid_t) {
            guard let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"),
                let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
            else { return nil }
            func field(_ name: String) -> Int? {
                status.split(separator: "\n").first { $0.hasPrefix(name + ":") }.flatMap {
                    Int($0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces).split(separator: " ")[0])
                }
            }
            guard let threads = field("Threads"), let rss = field("VmRSS") else { return nil }
            descriptors = fds.count
            self.threads = threads
            residentKiB = rss
            let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            zombies =
                processes.filter { entry in
                    guard Int(entry) != nil,
                        let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                        let end = stat.lastIndex(of: ")")
                    else { return false }
                    // After the command name: state, then the parent's pid.
                    let fields = stat[stat.index(after: end)...].split(separator: " ")
                    return fields.count > 1 && fields[0] == "Z" && fields[1] == "\(pid)"
                }.count
        }

        var description: String {
            "\(descriptors) fds, \(threads) threads, \(residentKiB) KiB resident, \(zombies) unreaped children"
        }
    }

    struct Shape: Equatable {
        var level = 0
        var workerLevel = 0
        var workers = 2
    }

    func write(_ shape: Shape, _ sandbox: SupervisorSandbox) throws {
        try sandbox.writeStack(
            """
              web:
                image: busybox
                init: true
                restart: "no"
                stop_grace_period: 1s
                environment:
                  LEVEL: "\(shape.level)"
                command: ["sleep", "3600"]
              worker:
                image: busybox
                init: true
                restart: always
                stop_grace_period: 1s
                environment:
                  LEVEL: "\(shape.workerLevel)"
                command: ["sleep", "3600"]
                deploy:
                  replicas: \(shape.workers)
            """)
    }

    @Test func randomKillsAndEditsEndConvergedWithoutTheReconcilerGrowing() throws {
        let environment = ProcessInfo.processInfo.environment
        let seconds = environment["SWIFTSTACK_SOAK_SECONDS"].flatMap(Double.init) ?? 20
        let seed = environment["SWIFTSTACK_SOAK_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 0...UInt64.max)
        print("reconcile soak: \(Int(seconds)) s, seed \(seed) (SWIFTSTACK_SOAK_SEED=\(seed) replays it)")
        var random = SeededGenerator(state: seed)

        let sandbox = try SupervisorSandbox()
        let project = sandbox.project
        var shape = Shape()
        try write(shape, sandbox)
        let log = sandbox.directory.url.appendingPathComponent("reconcile.log").path
        let reconcile = try CLI.start(
            ["reconcile", "--resync", "5"], in: sandbox.directory.url, environment: sandbox.environment, output: log)
        defer {
            kill(reconcile, SIGKILL)
            _ = CLI.finish(reconcile, within: 5)
        }
        let text = { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        #expect(eventually(30) { text().contains("start \(project)-worker-2: created") }, "\(text())")

        var kills = 0
        var edits = 0
        let start = Date()
        let warmUp = min(max(seconds * 0.25, 5), 120)
        var baseline: Usage?
        while Date().timeIntervalSince(start) < seconds {
            if baseline == nil, Date().timeIntervalSince(start) >= warmUp { baseline = Usage(pid: reconcile) }
            usleep(UInt32.random(in: 200_000...1_500_000, using: &random))
            if Bool.random(using: &random) {
                let names = ["\(project)-web-1"] + (1...shape.workers).map { "\(project)-worker-\($0)" }
                let name = names.randomElement(using: &random)!
                if let pid = try sandbox.pid(of: name), pid > 0, kill(pid, SIGKILL) == 0 { kills += 1 }
            } else {
                switch Int.random(in: 0..<3, using: &random) {
                case 0: shape.level = (shape.level + 1) % 5
                case 1: shape.workerLevel = (shape.workerLevel + 1) % 5
                default: shape.workers = Int.random(in: 1...3, using: &random)
                }
                try write(shape, sandbox)
                edits += 1
            }
        }
        print("reconcile soak: \(kills) kills, \(edits) edits")
        let warm = try #require(baseline ?? Usage(pid: reconcile))

        // Converged on the last file: nothing left to plan, every replica running.
        let converged = eventually(90) {
            let plan = (try? sandbox.run(["plan"]).stdout) ?? ""
            let ps = (try? sandbox.run(["ps"]).stdout) ?? ""
            let running = ps.split(separator: "\n").filter { $0.contains(" Up ") }
            return plan.contains("nothing to do") && running.count == 1 + shape.workers
                && running.contains { $0.contains("\(project)-web-1") }
        }
        #expect(
            converged,
            "plan: \((try? sandbox.run(["plan"]).stdout) ?? "")\nps: \((try? sandbox.run(["ps"]).stdout) ?? "")")
        let ps = try sandbox.run(["ps"]).stdout
        for index in 1...shape.workers { #expect(ps.contains("\(project)-worker-\(index)"), "\(ps)") }
        #expect(!ps.contains("\(project)-worker-\(shape.workers + 1)"), "\(ps)")
        let environmentOfWeb = try sandbox.run(["exec", "\(project)-web-1", "sh", "-c", "echo $LEVEL"]).stdout
        #expect(environmentOfWeb.trimmingCharacters(in: .whitespacesAndNewlines) == "\(shape.level)")

        // Let the last convergence's threads and buffers settle before measuring.
        sleep(2)
        let end = try #require(Usage(pid: reconcile))
        print("reconcile soak: after warm-up \(warm); at the end \(end)")
        #expect(abs(end.descriptors - warm.descriptors) <= 2, "fds: \(warm) → \(end)")
        #expect(abs(end.threads - warm.threads) <= 2, "threads: \(warm) → \(end)")
        // Monitors and removers it started are reaped as they end (a few may have ended since
        // its last tick).
        #expect(end.zombies <= 3, "unreaped children: \(warm) → \(end)")
        #expect(
            end.residentKiB <= max(warm.residentKiB * 6 / 5, warm.residentKiB + 8 * 1024),
            "memory: \(warm) → \(end)")
        kill(reconcile, SIGTERM)
        #expect(CLI.finish(reconcile, within: 20) == 0)
    }
}
