import Foundation
import Glibc
import Runtime
import Testing

@Suite("Lifecycle: stop, kill, init, limits, exec, delete")
struct LifecycleTests {
    @Test func stopEscalatesToSigkillWhenTermIsIgnored() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let spec = box.spec(["sh", "-c", "trap '' TERM; echo ready; while true; do sleep 1; done"])
        let owned = try OwnedContainer(box: box, spec: spec)
        #expect(eventually { (readText(try! box.runtime.container(spec.id).logPath) ?? "").contains("ready") })
        #expect(try box.runtime.container(spec.id).isRunning)
        let began = Date()
        try box.runtime.stop(spec.id, timeout: 1)
        let elapsed = Date().timeIntervalSince(began)
        #expect(elapsed >= 1.0 && elapsed < 8, "stop took \(elapsed)s")
        let state = try box.runtime.container(spec.id).state
        #expect(state.status == .exited)
        #expect(state.exitCode == 137)
        #expect(owned.waitForExit()?.exitCode == 137)
    }

    @Test func stopEndsAContainerThatHandlesTerm() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let spec = box.spec(["sh", "-c", "trap 'exit 3' TERM; echo ready; while true; do sleep 0.1; done"])
        let owned = try OwnedContainer(box: box, spec: spec)
        #expect(eventually { (readText(try! box.runtime.container(spec.id).logPath) ?? "").contains("ready") })
        try box.runtime.stop(spec.id, timeout: 10)
        #expect(owned.waitForExit()?.exitCode == 3)
    }

    @Test func killSendsTheSignal() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let spec = box.spec(["sleep", "100"]) { $0.useInit = true }
        let owned = try OwnedContainer(box: box, spec: spec)
        try box.runtime.kill(spec.id, signal: SIGUSR1)
        // The init forwards SIGUSR1 to sleep, which dies of it: 128 + 10.
        #expect(owned.waitForExit()?.exitCode == 128 + SIGUSR1)
    }

    @Test func initReapsZombiesAndRelaysTheExitCode() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        // The subshell's sleep is orphaned to PID 1; under init it is reaped, not left a zombie.
        let result = try box.run("(sleep 0.1 &); sleep 0.6; echo pid=$$; ps -o stat | grep -c Z; exit 7") {
            $0.useInit = true
        }
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first != "pid=1", "the command should not be PID 1 under init")
        #expect(lines.last == "0", "zombies left: \(result.stdout)")
        #expect(result.exitCode == 7)
    }

    @Test func memoryLimitOOMKillsAndIsReported() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let result = try box.run(
            box.spec(["dd", "if=/dev/zero", "of=/dev/null", "bs=96M", "count=1"]) {
                $0.limits.memoryBytes = 16 << 20
            })
        #expect(result.state.oomKilled)
        #expect(result.exitCode == 137)
        let normal = try box.run(box.spec(["true"]) { $0.limits.memoryBytes = 16 << 20 })
        #expect(!normal.state.oomKilled)
    }

    @Test func pidsLimitRefusesForks() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let result = try box.run("for i in 1 2 3 4 5 6 7 8 9 10; do sleep 1 & done; wait") { $0.limits.pids = 4 }
        #expect(result.stderr.contains("fork"), "stderr: \(result.stderr)")
    }

    @Test func cpuLimitIsWrittenAsQuota() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let spec = box.spec(["sleep", "100"]) { $0.limits.cpus = 0.5 }
        let owned = try OwnedContainer(box: box, spec: spec)
        let v1 = "/sys/fs/cgroup/cpu/swiftstack/\(spec.id)/cpu.cfs_quota_us"
        let v2 = "/sys/fs/cgroup/swiftstack/\(spec.id)/cpu.max"
        let quota = readText(v1) ?? readText(v2) ?? ""
        #expect(quota.hasPrefix("50000"), "quota: \(quota)")
        // The first process sits in the container's cgroup in every controller.
        let membership = readText("/proc/\(owned.pid)/cgroup") ?? ""
        let ours = membership.split(separator: "\n").filter { line in
            let controllers =
                line.split(separator: ":", omittingEmptySubsequences: false).dropFirst().first?.split(separator: ",")
                ?? []
            return controllers.contains("memory") || controllers.contains("cpu") || controllers.contains("pids")
        }
        #expect(ours.count == 3 && ours.allSatisfy { $0.hasSuffix("/swiftstack/\(spec.id)") }, "\(membership)")
        // The parent (this test process, every thread of it) stays where it was.
        for task in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? [] {
            #expect(!(readText("/proc/self/task/\(task)/cgroup") ?? "").contains(spec.id))
        }
        try box.runtime.kill(spec.id, signal: SIGKILL)
        _ = owned.waitForExit()
    }

    @Test func execSeesTheSamePidNamespaceAndFilesystem() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let spec = box.spec(["sh", "-c", "echo shared > /marker; sleep 100"]) { $0.environment = ["FROM_CONTAINER=1"] }
        let owned = try OwnedContainer(box: box, spec: spec)
        let upper = try box.runtime.container(spec.id).upperDirectory
        #expect(eventually { FileManager.default.fileExists(atPath: upper + "/marker") })
        let (code, out) = try execCapture(
            box, spec.id,
            ExecSpec(
                command: [
                    "sh", "-c",
                    "cat /marker; ps -o pid,comm | grep -c sleep; cat /proc/1/cmdline | tr '\\0' ' '; echo; echo $FROM_CONTAINER $EXTRA; id -u; pwd; exit 5",
                ],
                environment: ["EXTRA=2"], user: "app", workingDirectory: "/srv"))
        let lines = out.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(code == 5, "\(out)")
        // busybox sh execs its last command: PID 1 is the container's `sleep`.
        #expect(lines == ["shared", "1", "sleep 100", "1 2", "1000", "/srv"], "\(out)")
        let missing = #expect(throws: RuntimeError.self) { try execCapture(box, spec.id, ExecSpec(command: ["nope"])) }
        #expect(missing?.exitCode == 127)
        try box.runtime.kill(spec.id, signal: SIGKILL)
        _ = owned.waitForExit()
        #expect(throws: RuntimeError.self) { try execCapture(box, spec.id, ExecSpec(command: ["true"])) }
    }

    @Test func logsSurviveTheContainersExit() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let spec = box.spec(["sh", "-c", "echo out-line; echo err-line >&2; printf partial"])
        _ = try box.run(spec)
        let container = try box.runtime.container(spec.id)
        #expect(container.state.status == .exited)
        let entries = ContainerLogReader.read(path: container.logPath).entries
        #expect(entries.map(\.log).sorted() == ["err-line\n", "out-line\n", "partial"])
        #expect(entries.first { $0.log == "err-line\n" }?.stream == .stderr)
        #expect(entries.allSatisfy { $0.time.hasSuffix("Z") && $0.time.count == 30 })
    }

    @Test func joinedContainerSharesTheNetworkNamespace() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        // The server's stdin must stay open: at stdin EOF busybox nc half-closes, and a client
        // that sees that EOF may quit before sending.
        let server = box.spec(["sh", "-c", "sleep 2 | nc -l -p 7777"])
        let owned = try OwnedContainer(box: box, spec: server)
        let client = box.spec([
            "sh", "-c",
            "netstat -ltn | grep -c ':7777 '; for i in $(seq 50); do echo hello-join | nc 127.0.0.1 7777 && exit 0; sleep 0.1; done; exit 1",
        ]) {
            $0.network = .container(server.id)
        }
        let result = try box.run(client)
        #expect(result.stdout.hasPrefix("1\n"), "\(result.stdout) \(result.stderr)")
        #expect(result.exitCode == 0, "\(result.stderr)")
        // The listening nc exits once the client's connection closes; only kill a straggler.
        if owned.waitForExit(seconds: 10) == nil {
            _ = try? box.runtime.kill(server.id, signal: SIGKILL)
            _ = owned.waitForExit()
        }
        let serverContainer = try box.runtime.container(server.id)
        let serverLog = ContainerLogReader.read(path: serverContainer.logPath).entries.map(\.log).joined()
        #expect(
            serverLog.contains("hello-join"),
            "server: \(serverContainer.state) client: \(result.stdout) \(result.stderr)")
    }

    @Test func joinedContainerSharesTheHostNameAndUTSNamespace() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let server = box.spec(["sh", "-c", "echo ready; sleep 30"]) { $0.hostname = "srv-" + String($0.id.prefix(6)) }
        let owned = try OwnedContainer(box: box, spec: server)
        defer {
            _ = try? box.runtime.kill(server.id, signal: SIGKILL)
            _ = owned.waitForExit()
        }
        let client = box.spec([
            "sh", "-c",
            "hostname; cat /etc/hostname; echo $HOSTNAME; grep -c \"$(hostname)\" /etc/hosts; readlink /proc/self/ns/uts",
        ]) {
            $0.network = .container(server.id)
            $0.hostname = "ignored"
        }
        let result = try box.run(client)
        #expect(result.exitCode == 0, "\(result.stderr)")
        let serverUTS = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(owned.pid)/ns/uts")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines == [server.hostname, server.hostname, server.hostname, "1", serverUTS], "\(result.stdout)")
        #expect(try box.runtime.container(client.id).spec.hostname == server.hostname)
        // The host's UTS namespace was not joined.
        #expect(serverUTS != (try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/uts")))
    }

    @Test func deleteLeavesNothingBehind() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let spec = box.spec(["sleep", "100"]) { $0.limits = ResourceLimits(memoryBytes: 32 << 20, cpus: 1, pids: 50) }
        let owned = try OwnedContainer(box: box, spec: spec)
        let container = try box.runtime.container(spec.id)
        let cgroups =
            ["memory", "cpu", "pids"].map { "/sys/fs/cgroup/\($0)/swiftstack/\(spec.id)" } + [
                "/sys/fs/cgroup/swiftstack/\(spec.id)"
            ]
        #expect(cgroups.contains { FileManager.default.fileExists(atPath: $0) })
        #expect(throws: RuntimeError.self) { try box.runtime.delete(spec.id) }
        try box.runtime.delete(spec.id, force: true)
        _ = owned.waitForExit()
        #expect(!(readText("/proc/mounts") ?? "").contains(container.directory))
        #expect(!(readText("/proc/mounts") ?? "").contains(spec.id))
        #expect(cgroups.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
        #expect(!FileManager.default.fileExists(atPath: container.directory))
        #expect(
            ((try? FileManager.default.contentsOfDirectory(atPath: box.runtime.root + "/containers")) ?? []).isEmpty)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: box.runtime.root + "/names")) ?? []).isEmpty)
        #expect(throws: RuntimeError.self) { try box.runtime.container(spec.name) }
    }

    @Test func autoRemoveInTheBackgroundReportsAtOnceAndLeavesNothingBehind() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let spec = box.spec(["sh", "-c", "echo out > /written; exit 7"]) {
            $0.autoRemove = true
            $0.limits = ResourceLimits(memoryBytes: 32 << 20, pids: 50)
        }
        try box.runtime.create(spec)
        let directory = try box.runtime.container(spec.id).directory
        let state = try box.runtime.runOwned(
            spec.id, echo: false, stdin: nil, rawTerminal: false, removeInBackground: true, started: { _ in })
        #expect(state.exitCode == 7)
        // Gone for every command at once; the name is free again.
        #expect(throws: RuntimeError.self) { try box.runtime.container(spec.name) }
        #expect(!FileManager.default.fileExists(atPath: directory))
        #expect(box.runtime.list().isEmpty)
        let cgroups = ["memory", "cpu", "pids"].map { "/sys/fs/cgroup/\($0)/swiftstack/\(spec.id)" }
        let containers = box.runtime.root + "/containers"
        #expect(
            eventually {
                cgroups.allSatisfy { !FileManager.default.fileExists(atPath: $0) }
                    && ((try? FileManager.default.contentsOfDirectory(atPath: containers)) ?? ["?"]).isEmpty
            })
        #expect(!(readText("/proc/mounts") ?? "").contains(spec.id))
    }

    @Test func anInterruptedBackgroundRemovalIsFinishedByTheNextListing() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let spec = box.spec(["true"]) { $0.limits = ResourceLimits(pids: 20) }
        let result = try box.run(spec)
        #expect(result.exitCode == 0)
        // What a remover killed before its first step leaves: the renamed directory, the cgroup.
        let container = try box.runtime.container(spec.id)
        try FileManager.default.createDirectory(
            atPath: "/sys/fs/cgroup/pids/swiftstack/\(spec.id)", withIntermediateDirectories: true)
        let leftover = box.runtime.root + "/containers/.removing-" + spec.id
        #expect(rename(container.directory, leftover) == 0)
        #expect(throws: RuntimeError.self) { try box.runtime.container(spec.id) }
        #expect(box.runtime.list().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: leftover))
        #expect(!FileManager.default.fileExists(atPath: "/sys/fs/cgroup/pids/swiftstack/\(spec.id)"))
    }

    @Test func aDeadOwnerIsNoticedAndAReusedPidIsNotMistaken() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let spec = box.spec(["true"])
        _ = try box.run(spec)
        // Forge a "running" state whose pid is alive (ours) but with another start time.
        let path = try box.runtime.container(spec.id).directory + "/state.json"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"status\":\"exited\"", with: "\"status\":\"running\"")
        text = text.replacingOccurrences(of: "\"pid\":", with: "\"pid\":\(getpid()),\"_old\":")
        // Its owner is gone too (a pid that cannot exist).
        text = text.replacingOccurrences(of: "\"ownerPid\":", with: "\"ownerPid\":2147483000,\"_oldOwner\":")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let container = try box.runtime.container(spec.id)
        #expect(!container.isRunning)
        #expect(container.state.status == .exited)
        try box.runtime.stop(spec.id)  // not running: nothing to do, must not signal us
    }
}

extension LifecycleTests {
    @Test func aContainerWhoseOwnerDiedIsStillSeenStoppedAndDeleted() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let spec = box.spec(["sh", "-c", "while true; do sleep 0.1; done"])
        let (pid, out, err) = try box.start(spec)
        Glibc.close(out)
        Glibc.close(err)
        // Pretend the owner (monitor or CLI) crashed: its recorded identity no longer exists.
        let path = try box.runtime.container(spec.id).directory + "/state.json"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"ownerPid\":", with: "\"ownerPid\":2147483000,\"_oldOwner\":")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try box.runtime.container(spec.id).isRunning)
        #expect(box.runtime.list().contains { $0.id == spec.id && $0.isRunning })
        try box.runtime.stop(spec.id, timeout: 1)
        let state = try box.runtime.container(spec.id).state
        #expect(state.status == .exited)
        #expect(state.finishedAt != nil)
        var status: Int32 = 0
        #expect(waitpid(pid, &status, 0) == pid)  // reap the zombie we (the real parent) hold
        try box.runtime.delete(spec.id)
        #expect(!FileManager.default.fileExists(atPath: "/sys/fs/cgroup/memory/swiftstack/\(spec.id)"))
    }
}

@Suite("Bad inputs are clear errors and leave the host untouched")
struct BadInputTests {
    @Test func unknownUser() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let error = #expect(throws: RuntimeError.self) { try box.run(box.spec(["true"]) { $0.user = "nobody-here" }) }
        #expect(error?.code == .userNotFound)
        #expect(error?.message.contains("nobody-here") == true)
    }

    @Test func missingBindSource() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let error = #expect(throws: RuntimeError.self) {
            try box.run(
                box.spec(["true"]) {
                    $0.mounts = [Mount(kind: .bind, source: box.directory + "/absent", target: "/data")]
                })
        }
        #expect(error?.code == .mountSourceMissing)
        #expect(error?.message.contains("absent") == true)
    }

    @Test func mountTargetSymlinkToEtcNeverTouchesTheHost() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        try FileManager.default.createSymbolicLink(atPath: box.rootfs + "/hostetc", withDestinationPath: "/etc")
        let source = box.directory + "/src"
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        let probe = "swiftstack-probe-" + String(box.spec([]).id.prefix(8))
        // The symlink as the final component: refused.
        let error = #expect(throws: RuntimeError.self) {
            try box.run(box.spec(["true"]) { $0.mounts = [Mount(kind: .tmpfs, target: "/hostetc")] })
        }
        #expect(error?.message.contains("symlink") == true)
        #expect(error?.exitCode == 125)
        // Through the symlink: resolved inside the container's root, so it lands in ITS /etc.
        let result = try box.run("ls /etc/\(probe)") {
            $0.mounts = [Mount(kind: .bind, source: source, target: "/hostetc/\(probe)")]
        }
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "/etc/\(probe)"))
        #expect(!(readText("/proc/mounts") ?? "").contains(" /etc/\(probe) "))
    }

    @Test func danglingResolvConfSymlinkStaysInsideTheRoot() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        try FileManager.default.createDirectory(atPath: box.rootfs + "/run/resolve", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: box.rootfs + "/etc/resolv.conf", withDestinationPath: "/run/resolve/stub-resolv.conf")
        let result = try box.run("cat /etc/resolv.conf > /dev/null && echo ok")
        #expect(result.stdout == "ok\n", "\(result.stderr)")
        // The layer is untouched: the file was created in the container's upper directory.
        #expect(!FileManager.default.fileExists(atPath: box.rootfs + "/run/resolve/stub-resolv.conf"))
    }

    @Test func missingLayerAndEmptyCommand() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        var spec = box.spec([])
        #expect(throws: RuntimeError.self) { try box.runtime.create(spec) }
        spec.command = ["true"]
        spec.lowerDirectories = [box.directory + "/no-such-layer"]
        let error = #expect(throws: RuntimeError.self) { try box.runtime.create(spec) }
        #expect(error?.code == .notFound)
    }

    @Test func duplicateNameIsRefused() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let first = box.spec(["true"]) { $0.name = "dup-" + String($0.id.prefix(8)) }
        try box.runtime.create(first)
        var second = box.spec(["true"])
        second.name = first.name
        let error = #expect(throws: RuntimeError.self) { try box.runtime.create(second) }
        #expect(error?.code == .alreadyExists)
        try box.runtime.delete(first.id)
    }
}

@Suite("Hooks for the orchestrator and the network layer")
struct OrchestrationHookTests {
    @Test func joinsANamespaceGivenByPathAndKeepsLabels() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let holder = box.spec(["sh", "-c", "sleep 2 | nc -l -p 8080"])
        let owned = try OwnedContainer(box: box, spec: holder)
        let spec = box.spec(["sh", "-c", "netstat -ltn | grep -c ':8080 '"]) {
            $0.network = .namespace("/proc/\(owned.pid)/ns/net")
            $0.labels = ["swiftstack.project": "demo"]
        }
        let result = try box.run(spec)
        #expect(result.stdout == "1\n", "\(result.stdout) \(result.stderr)")
        #expect(try box.runtime.container(spec.id).spec.labels == ["swiftstack.project": "demo"])
        try? box.runtime.kill(holder.id, signal: SIGKILL)
        _ = owned.waitForExit()
    }

    @Test func updateChangesTheLimitsOfARunningContainer() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let spec = box.spec(["sleep", "100"]) { $0.limits = ResourceLimits(memoryBytes: 32 << 20, pids: 10) }
        let owned = try OwnedContainer(box: box, spec: spec)
        try box.runtime.update(spec.id, limits: ResourceLimits(memoryBytes: 64 << 20, pids: 20))
        let v1 = readText("/sys/fs/cgroup/memory/swiftstack/\(spec.id)/memory.limit_in_bytes")
        let v2 = readText("/sys/fs/cgroup/swiftstack/\(spec.id)/memory.max")
        #expect((v1 ?? v2) == "\(64 << 20)\n")
        #expect(
            (readText("/sys/fs/cgroup/pids/swiftstack/\(spec.id)/pids.max")
                ?? readText("/sys/fs/cgroup/swiftstack/\(spec.id)/pids.max")) == "20\n")
        try box.runtime.kill(spec.id, signal: SIGKILL)
        _ = owned.waitForExit()
    }
}
