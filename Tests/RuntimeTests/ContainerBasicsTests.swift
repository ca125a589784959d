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

@Suite("Container filesystem, environment and exit codes")
struct ContainerProcessTests {
    @Test func freshNetworkNamespaceHasOnlyLoopback() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let result = try box.run("ls /sys/class/net")
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout == "lo\n")
    }

    @Test func writesLandInTheUpperDirectoryAndTheLayerStaysUnchanged() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let spec = box.spec(["sh", "-c", "echo data > /created.txt && rm /bin/wc && echo changed > /etc/group"])
        let result = try box.run(spec)
        #expect(result.exitCode == 0, "\(result.stderr)")
        let upper = try box.runtime.container(spec.id).upperDirectory
        #expect(readText(upper + "/created.txt") == "data\n")
        #expect(readText(upper + "/etc/group") == "changed\n")
        #expect(!FileManager.default.fileExists(atPath: box.rootfs + "/created.txt"))
        #expect(FileManager.default.fileExists(atPath: box.rootfs + "/bin/wc"))
        #expect(readText(box.rootfs + "/etc/group")?.hasPrefix("root:x:0:") == true)
    }

    @Test func laterLayersWinOverEarlierOnes() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let top = box.directory + "/layer-top"
        try FileManager.default.createDirectory(atPath: top + "/etc", withIntermediateDirectories: true)
        try "from the top layer\n".write(toFile: top + "/etc/motd", atomically: true, encoding: .utf8)
        try "top\n".write(toFile: top + "/only-top", atomically: true, encoding: .utf8)
        try "base\n".write(toFile: box.rootfs + "/etc/motd", atomically: true, encoding: .utf8)
        // Lowest first: the busybox base, then the top layer.
        let result = try box.run(
            box.spec(["sh", "-c", "cat /etc/motd /only-top"]) { $0.lowerDirectories = [box.rootfs, top] })
        #expect(result.stdout == "from the top layer\ntop\n", "\(result.stderr)")
    }

    @Test func manyLayersBeyondOnePageOfMountOptions() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        var layers = [box.rootfs]
        for index in 0..<60 {
            // Long paths: 60 of them overflow the 4 KiB option string of mount(2).
            let layer = box.directory + "/layer-" + String(repeating: "x", count: 80) + "-\(index)"
            try FileManager.default.createDirectory(atPath: layer, withIntermediateDirectories: true)
            try "\(index)\n".write(toFile: layer + "/which", atomically: true, encoding: .utf8)
            layers.append(layer)
        }
        let result = try box.run(box.spec(["cat", "/which"]) { $0.lowerDirectories = layers })
        #expect(result.stdout == "59\n", "\(result.stderr)")
    }

    @Test func environmentWorkdirAndUserAreApplied() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let result = try box.run(
            "id -u; id -g; id -G; pwd; echo $GREETING $HOME; echo > probe && ls -n probe | tr -s ' ' | cut -d' ' -f3"
        ) {
            $0.environment = ["GREETING=hello"]
            $0.workingDirectory = "/work/dir"
            $0.user = "app"
        }
        // cut is not an applet here: the last command may fail, which does not matter.
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(
            Array(lines.prefix(5)) == ["1000", "1000", "1000 50", "/work/dir", "hello /home/app"],
            "\(result.stdout) \(result.stderr)")
    }

    @Test func numericUserAndGroup() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let result = try box.run("id -u; id -g") { $0.user = "4321:99" }
        #expect(result.stdout == "4321\n99\n", "\(result.stderr)")
    }

    @Test func exitCodesZeroAndOne() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        #expect(try box.run(box.spec(["true"])).exitCode == 0)
        #expect(try box.run(box.spec(["false"])).exitCode == 1)
        #expect(try box.run("exit 42").exitCode == 42)
    }

    @Test func missingCommandIs127AndNotExecutableIs126() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let missing = box.spec(["no-such-command"])
        let error127 = #expect(throws: RuntimeError.self) { try box.run(missing) }
        #expect(error127?.exitCode == 127)
        #expect(error127?.message.contains("no-such-command") == true)
        #expect(try box.runtime.container(missing.id).state.exitCode == 127)
        let error126 = #expect(throws: RuntimeError.self) { try box.run(box.spec(["/bin/noexec"])) }
        #expect(error126?.exitCode == 126)
    }

    @Test func readOnlyRootRefusesWrites() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let result = try box.run("touch /x; echo rc=$?; echo ok > /tmp/y; echo tmp=$?; pwd") {
            $0.readOnlyRootfs = true
            $0.workingDirectory = "/created/before/readonly"
            $0.mounts = [Mount(kind: .tmpfs, target: "/tmp")]
        }
        #expect(result.stdout.contains("rc=1"), "\(result.stdout)")
        #expect(result.stdout.contains("tmp=0"))
        #expect(result.stdout.contains("/created/before/readonly\n"))
        #expect(result.stderr.contains("Read-only file system"))
    }

    @Test func bindMountWritesAFileVisibleOnTheHostAndReadOnlyBindRefuses() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let logs = box.directory + "/host-logs"
        let config = box.directory + "/host-config"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: config, withIntermediateDirectories: true)
        let result = try box.run("echo line-from-container >> /var/log/app/app.log; echo x > /config/y; echo ro=$?") {
            $0.mounts = [
                Mount(kind: .bind, source: logs, target: "/var/log/app"),
                Mount(kind: .bind, source: config, target: "/config", readOnly: true),
            ]
        }
        #expect(result.exitCode == 0)
        #expect(readText(logs + "/app.log") == "line-from-container\n")
        #expect(result.stdout.contains("ro=1"))
        #expect(!FileManager.default.fileExists(atPath: config + "/y"))
    }

    @Test func namedVolumesPersistAcrossContainers() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let volume = "data-" + String(box.spec([]).id.prefix(8))
        let first = try box.run("echo kept > /data/file") {
            $0.mounts = [Mount(kind: .volume, source: volume, target: "/data")]
        }
        #expect(first.exitCode == 0, "\(first.stderr)")
        let second = try box.run("cat /data/file") {
            $0.mounts = [Mount(kind: .volume, source: volume, target: "/data")]
        }
        #expect(second.stdout == "kept\n")
        #expect(readText(box.runtime.root + "/volumes/\(volume)/_data/file") == "kept\n")
        let path = box.directory + "/volume-by-path"
        let third = try box.run("echo by-path > /v/file") {
            $0.mounts = [Mount(kind: .volume, source: path, target: "/v")]
        }
        #expect(third.exitCode == 0)
        #expect(readText(path + "/file") == "by-path\n")
    }

    @Test func maskedPathsReadOnlyPathsAndDefaultCapabilities() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let result = try box.run(
            """
            grep -E '^Cap(Eff|Prm|Bnd|Inh|Amb)' /proc/self/status; wc -c < /proc/kcore; ls /sys/firmware | wc -l
            echo 1 > /proc/sys/kernel/panic_on_oops; echo sysrc=$?; grep NoNewPrivs /proc/self/status
            """)
        let out = result.stdout
        #expect(out.contains("CapEff:\t00000000a80425fb"), "\(out)")
        #expect(out.contains("CapPrm:\t00000000a80425fb"))
        #expect(out.contains("CapBnd:\t00000000a80425fb"))
        #expect(out.contains("CapInh:\t0000000000000000"))
        #expect(out.contains("CapAmb:\t0000000000000000"))
        #expect(out.contains("sysrc=1"))
        #expect(out.contains("NoNewPrivs:\t1"))
        let lines = out.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.contains("0"))  // /proc/kcore reads as /dev/null, /sys/firmware is empty
    }

    @Test func capAddAndCapDrop() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let result = try box.run("grep CapEff /proc/self/status") {
            $0.capDrop = ["CHOWN"]
            $0.capAdd = ["CAP_NET_ADMIN"]
        }
        // a80425fb - CHOWN (bit 0) + NET_ADMIN (bit 12)
        #expect(result.stdout == "CapEff:\t00000000a80435fa\n", "\(result.stdout) \(result.stderr)")
    }

    @Test func capAddAllGivesWhatTheHostHas() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let ours =
            (readText("/proc/self/status") ?? "").split(separator: "\n").first { $0.hasPrefix("CapBnd:") }?
            .split(separator: "\t").last.map(String.init) ?? ""
        let result = try box.run("grep CapEff /proc/self/status") { $0.capAdd = ["ALL"] }
        #expect(result.stdout == "CapEff:\t\(ours)\n", "\(result.stdout) \(result.stderr)")
    }

    @Test func devicesAndPseudoFilesystems() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let result = try box.run(
            "ls /dev; head -c 4 /dev/zero | wc -c; readlink /dev/ptmx; grep -c devpts /proc/mounts; cat /etc/hostname"
        ) { $0.hostname = "devbox" }
        let out = result.stdout
        for name in [
            "null", "zero", "full", "random", "urandom", "tty", "pts", "shm", "mqueue", "fd", "stdin", "stdout",
            "stderr",
        ] {
            #expect(out.split(separator: "\n").contains(Substring(name)), "missing /dev/\(name): \(out)")
        }
        #expect(out.contains("pts/ptmx"))
        #expect(out.hasSuffix("devbox\n"))
    }
}
