import Foundation
import Testing

/// `swiftstack build` through the built binary, then `swiftstack run` of what it built.
@Suite struct BuildCommandTests {
    /// A state root with a busybox image and a context of its own, removed at the end.
    final class Sandbox {
        let directory: TemporaryDirectory
        let environment: [String: String]

        init() throws {
            directory = try TemporaryDirectory("swiftstack-build-e2e")
            environment = [
                "SWIFTSTACK_ROOT": directory.url.appendingPathComponent("state").path,
                "SWIFTSTACK_RUN": directory.url.appendingPathComponent("run").path,
            ]
            let rootfs = directory.url.appendingPathComponent("rootfs")
            let bin = rootfs.appendingPathComponent("bin")
            try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: "/bin/busybox", toPath: bin.appendingPathComponent("busybox").path)
            for applet in ["sh", "cat", "echo", "mkdir", "true"] {
                try FileManager.default.createSymbolicLink(
                    atPath: bin.appendingPathComponent(applet).path, withDestinationPath: "busybox")
            }
            try directory.write("rootfs/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n")
            try directory.write("rootfs/etc/group", "root:x:0:\n")
            let imported = try CLI.run(["image", "import", rootfs.path, "busybox"], environment: environment)
            #expect(imported.status == 0, "\(imported.stderr)")
        }

        func run(_ arguments: [String]) throws -> CLI.Result {
            try CLI.run(arguments, in: directory.url.appendingPathComponent("context"), environment: environment)
        }
    }

    @Test func buildThenRunTheResult() throws {
        let sandbox = try Sandbox()
        try sandbox.directory.write(
            "context/build.sh", "mkdir -p /out && echo 'made by the builder stage' > /out/file\n")
        try sandbox.directory.write(
            "context/Dockerfile",
            """
            FROM busybox AS builder
            COPY build.sh /
            RUN sh /build.sh

            FROM busybox
            COPY --from=builder /out/file /file
            CMD ["cat", "/file"]
            """)
        let built = try sandbox.run(["build", "--progress", "plain", "-t", "x", "."])
        #expect(built.status == 0, "\(built.stderr)")
        #expect(built.stdout.hasPrefix("sha256:"))
        #expect(built.stderr.contains("[builder 3/3] RUN sh /build.sh"))
        let ran = try sandbox.run(["run", "--rm", "x", "cat", "/file"])
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(ran.stdout == "made by the builder stage\n")

        let again = try sandbox.run(["build", "-t", "x", "--progress", "plain", "."])
        #expect(again.stdout == built.stdout)
        // FROM steps are always DONE; every other step comes from the cache.
        #expect(again.stderr.components(separatedBy: "\n").filter { $0.contains(" DONE ") }.count == 2)
        #expect(again.stderr.contains("#3 CACHED"), "\(again.stderr)")
        #expect(again.stderr.contains("0 steps ran, 4 cached"))
        let quiet = try sandbox.run(["build", "-q", "."])
        #expect(quiet.stdout == built.stdout)
        #expect(quiet.stderr.isEmpty)

        // `image ls` hides the untagged intermediate step images, as Docker does; `-a` shows them.
        let listed = try sandbox.run(["image", "ls"]).stdout
        #expect(!listed.contains("<none>"), "\(listed)")
        #expect(listed.contains("x "), "\(listed)")
        #expect(try sandbox.run(["image", "ls", "-a"]).stdout.contains("<none>"))
    }

    @Test func badInputExitsTwoAndFailedBuildsExitOne() throws {
        let sandbox = try Sandbox()
        try sandbox.directory.write("context/Dockerfile", "FROM busybox\nCOPPY a b\n")
        let bad = try sandbox.run(["build", "."])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("Dockerfile:2: unknown instruction 'COPPY'"))
        #expect(bad.stderr.contains("hint: did you mean COPY?"))
        try sandbox.directory.write("context/Dockerfile", "FROM busybox\nRUN echo going wrong; exit 5\n")
        let failed = try sandbox.run(["build", "."])
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("Dockerfile:2: RUN /bin/sh -c echo going wrong; exit 5 failed with exit code 5"))
        #expect(failed.stderr.contains("going wrong"))
    }

    @Test func upBuildsAServiceWithABuildSectionAndTagsItsImage() throws {
        let sandbox = try Sandbox()
        let project = "b2e\(UInt32.random(in: 0...UInt32.max) % 100_000)"
        try sandbox.directory.write(
            "context/app/Dockerfile", "FROM busybox\nRUN echo from-the-build > /msg\nCMD [\"cat\", \"/msg\"]\n")
        try sandbox.directory.write(
            "context/compose.yaml",
            """
            name: \(project)
            services:
              app:
                build: ./app
                image: \(project)-app:dev
                network_mode: none
            """)
        defer { _ = try? sandbox.run(["down", "-p", project]) }
        let up = try sandbox.run(["up", "-d"])
        #expect(up.status == 0, "\(up.stderr)")
        #expect(up.stderr.contains("build image \(project)-app:dev"))
        let ran = try sandbox.run(["run", "--rm", "\(project)-app:dev"])
        #expect(ran.stdout == "from-the-build\n", "\(ran.stderr)")
    }
}
