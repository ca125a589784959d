import Testing

@testable import swiftstack

/// `run`'s hand-written parser (the start-up fast path) must agree with ArgumentParser, assign
/// every property (an unset property wrapper traps when read), and hand anything unusual back.
@Suite struct RunCommandFastParseTests {
    static let accepted: [[String]] = [
        ["busybox"],
        ["--rm", "--network", "none", "busybox", "true"],
        ["--rm", "-d", "--name", "web", "-e", "A=1", "--env", "B=2", "-e", "C", "busybox", "sh", "-c", "echo $A"],
        ["--network=container:web", "-i", "-t", "--init", "--read-only", "busybox", "sh"],
        ["-w", "/srv", "-u", "app:staff", "--hostname", "box", "--entrypoint", "", "--root", "/tmp/x", "img:1"],
        ["--detach", "--interactive", "--tty", "--workdir=/w", "--user=0", "img", "--rm", "-e", "X=1", "--name"],
    ]

    @Test(arguments: accepted) func agreesWithArgumentParser(_ arguments: [String]) throws {
        let fast = try #require(RunCommand.parseCommon(arguments))
        let full = try RunCommand.parse(arguments)
        #expect(Self.describe(fast) == Self.describe(full))
        #expect(Self.unassigned(fast).isEmpty, "unassigned in parseCommon: \(Self.unassigned(fast))")
    }

    @Test func leavesAnythingUnusualToArgumentParser() {
        let unusual: [[String]] = [
            [], ["--rm"], ["-it", "busybox"], ["--rm", "--rm", "busybox"], ["--name", "a", "--name", "b", "busybox"],
            ["--name", "-x", "busybox"], ["--memory", "64m", "busybox"], ["-p", "8080:80", "busybox"],
            ["--", "busybox"], ["busybox", "--", "true"], ["--rm=true", "busybox"], ["-ebar", "busybox"],
            ["--volume", "/a:/b", "busybox"], ["--network"],
        ]
        for arguments in unusual { #expect(RunCommand.parseCommon(arguments) == nil, "\(arguments)") }
    }

    @Test func theMonitorsSpawnedFormAgreesWithArgumentParser() throws {
        let arguments = ["_monitor", "--root", "/var/lib/x", "0123abcd"]
        let fast = try #require(MonitorCommand.parseSpawned(arguments))
        let full = try MonitorCommand.parse(Array(arguments.dropFirst()))
        #expect(fast.global.root == full.global.root && fast.id == full.id)
        #expect(fast.global.root == "/var/lib/x" && fast.id == "0123abcd")
        #expect(Self.unassigned(fast).isEmpty, "unassigned in parseSpawned: \(Self.unassigned(fast))")
        #expect(MonitorCommand.parseSpawned(["_monitor", "0123abcd"]) == nil)
        #expect(MonitorCommand.parseSpawned(["_monitor", "--root", "/r", "--help"]) == nil)
    }

    static func describe(_ c: RunCommand) -> String {
        "\(c.global.root as Any) \(c.rm) \(c.detach) \(c.name as Any) \(c.env) \(c.envFile) \(c.volume) \(c.tmpfs) "
            + "\(c.workdir as Any) \(c.user as Any) \(c.hostname as Any) \(c.network as Any) \(c.networkAlias) "
            + "\(c.memory as Any) \(c.cpus as Any) \(c.pidsLimit as Any) \(c.readOnly) \(c.capAdd) \(c.capDrop) "
            + "\(c.`init`) \(c.interactive) \(c.tty) \(c.entrypoint as Any) \(c.stopTimeout as Any) \(c.noTTY) "
            + "\(c.files) \(c.projectName as Any) \(c.image) \(c.command)"
    }

    /// Property wrappers still in their `.definition` state (never given a value), also inside
    /// option groups (`GlobalOptions`).
    static func unassigned(_ value: Any, path: String = "") -> [String] {
        Mirror(reflecting: value).children.flatMap { child -> [String] in
            let name = path + (child.label ?? "?")
            guard let parsed = Mirror(reflecting: child.value).children.first(where: { $0.label == "_parsedValue" })
            else { return [] }
            guard let state = Mirror(reflecting: parsed.value).children.first, state.label == "value" else {
                return [name]
            }
            return unassigned(state.value, path: name + ".")
        }
    }
}
