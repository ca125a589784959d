import Foundation
import Testing

/// `up`, `plan`, `down` of a real busybox stack on a bridge, through the built binary.
@Suite(.serialized) struct StackLifecycleTests {
    @Test func upResolvesNamesPlansNothingRecreatesOnlyWhatChangedAndDownLeavesNothing() throws {
        let sandbox = try StackSandbox()
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
            (try? FileManager.default.contentsOfDirectory(
                atPath: sandbox.environment["SWIFTSTACK_RUN"]! + "/netns/\(sandbox.project)"))
            ?? []
        #expect(netns.isEmpty, "network namespaces are unpinned")
        #expect(
            !FileManager.default.fileExists(
                atPath: sandbox.environment["SWIFTSTACK_RUN"]! + "/netns/\(sandbox.project)"))
    }

    /// `down --rmi all` removes the services' images, but never one another container still uses;
    /// `down -t` bounds the stop.
    @Test func downRemovesImagesItMayAndTakesATimeout() throws {
        let sandbox = try StackSandbox()
        try sandbox.writeStack()
        #expect(try sandbox.run(["up", "-d"]).status == 0)
        let keeper = "keep\(UInt32.random(in: 0...UInt32.max))"
        #expect(
            try sandbox.run(["run", "-d", "--name", keeper, "--network", "none", "busybox", "sleep", "60"]).status == 0)
        let kept = try sandbox.run(["down", "--rmi", "all", "-t", "0"])
        #expect(kept.status == 0, "\(kept.stderr)")
        #expect(kept.stderr.contains("image busybox kept"), "\(kept.stderr)")
        #expect(try sandbox.run(["image", "inspect", "busybox"]).status == 0)

        #expect(try sandbox.run(["rm", "-f", keeper]).status == 0)
        #expect(try sandbox.run(["up", "-d"]).status == 0)
        let removed = try sandbox.run(["down", "-v", "--rmi", "all", "--timeout", "1"])
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(try sandbox.run(["image", "inspect", "busybox"]).status != 0)
        try sandbox.expectNothingLeft()
    }
}
