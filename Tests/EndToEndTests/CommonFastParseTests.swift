import Testing

@testable import swiftstack

/// The hand parsers of `exec`, `up` and `down` (start-up fast paths) must agree with
/// ArgumentParser, assign every property, and hand anything unusual back.
@Suite struct CommonFastParseTests {
    static func stack(_ s: StackOptions) -> String {
        "\(s.files) \(s.projectName as Any) \(s.envFiles) \(s.projectDirectory as Any)"
    }

    static func describe(_ c: ExecCommand) -> String {
        "\(c.global.root as Any) \(c.interactive) \(c.tty) \(c.env) \(c.user as Any) \(c.workdir as Any) \(c.noTTY) "
            + "\(c.index) \(stack(c.stack)) \(c.name) \(c.command)"
    }

    static func describe(_ c: UpCommand) -> String {
        "\(c.global.root as Any) \(stack(c.stack)) \(c.detach) \(c.wait) \(c.waitTimeout) \(c.forceRecreate) "
            + "\(c.noRecreate) \(c.build) \(c.noBuild) \(c.removeOrphans) \(c.scale) \(c.abortOnContainerExit) "
            + "\(c.abortOnContainerFailure) \(c.exitCodeFrom as Any) \(c.services)"
    }

    static func describe(_ c: DownCommand) -> String {
        "\(c.global.root as Any) \(stack(c.stack)) \(c.volumes) \(c.removeOrphans) \(c.rmi as Any) \(c.timeout as Any)"
    }

    @Test(arguments: [
        ["client", "wget", "-q", "-O", "/dev/null", "http://web/"],
        ["-i", "-t", "-e", "A=1", "--env", "B=2", "-u", "app", "-w", "/srv", "web", "sh"],
        [
            "-T", "--index", "2", "-f", "a.yaml", "--file=b.yaml", "-p", "proj", "--root", "/r", "web", "ls", "-l",
            "--x",
        ],
        ["--env-file", "x.env", "--project-directory", "/d", "web"],
    ])
    func execAgrees(_ arguments: [String]) throws {
        let fast = try #require(ExecCommand.parseCommon(arguments))
        #expect(Self.describe(fast) == Self.describe(try ExecCommand.parse(arguments)))
        #expect(RunCommandFastParseTests.unassigned(fast).isEmpty, "\(RunCommandFastParseTests.unassigned(fast))")
    }

    @Test(arguments: [
        [], ["-d", "--wait"], ["--detach", "--wait-timeout", "30", "--build", "web", "db"],
        [
            "web", "--force-recreate", "--no-recreate", "--no-build", "--remove-orphans", "--scale", "web=2",
            "--scale=db=3", "-f", "x.yaml", "-p", "p", "--root", "/r",
        ],
        ["--abort-on-container-exit", "--abort-on-container-failure", "--exit-code-from", "web"],
    ])
    func upAgrees(_ arguments: [String]) throws {
        let fast = try #require(UpCommand.parseCommon(arguments))
        #expect(Self.describe(fast) == Self.describe(try UpCommand.parse(arguments)))
        #expect(RunCommandFastParseTests.unassigned(fast).isEmpty, "\(RunCommandFastParseTests.unassigned(fast))")
    }

    @Test(arguments: [
        [], ["-v"], ["--volumes", "--remove-orphans", "--rmi", "local", "-t", "3", "-p", "proj"],
        ["--timeout=0", "--rmi=all", "--file", "a.yaml", "-f", "b.yaml", "--env-file", "e", "--root", "/r"],
    ])
    func downAgrees(_ arguments: [String]) throws {
        let fast = try #require(DownCommand.parseCommon(arguments))
        #expect(Self.describe(fast) == Self.describe(try DownCommand.parse(arguments)))
        #expect(RunCommandFastParseTests.unassigned(fast).isEmpty, "\(RunCommandFastParseTests.unassigned(fast))")
    }

    @Test func leavesAnythingUnusualToArgumentParser() {
        for arguments in [
            [], ["-it", "web", "sh"], ["--index", "x", "web"], ["--", "web"], ["-eA=1", "web"], ["--bogus", "web"],
        ] {
            #expect(ExecCommand.parseCommon(arguments) == nil, "exec \(arguments)")
        }
        for arguments in [
            ["-dw"], ["--wait-timeout", "soon"], ["-d", "-d"], ["--wait=yes"], ["--", "web"], ["-p"], ["--bogus"],
            ["--exit-code-from", "a", "--exit-code-from", "b"],
        ] {
            #expect(UpCommand.parseCommon(arguments) == nil, "up \(arguments)")
        }
        for arguments in [["--rmi", "some"], ["-t", "x"], ["web"], ["-vt", "1"]] {
            #expect(DownCommand.parseCommon(arguments) == nil, "down \(arguments)")
        }
    }
}
