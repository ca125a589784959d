import Foundation
import Testing

/// ONBUILD, SHELL and HEALTHCHECK as a user meets them: `image import --change`, `build`, and
/// what `image inspect` shows (Docker's `OnBuild`, `Shell`, `Healthcheck`).
@Suite struct ImageTriggerCommandTests {
    final class Sandbox {
        let directory: TemporaryDirectory
        let environment: [String: String]

        init() throws {
            directory = try TemporaryDirectory("swiftstack-triggers")
            environment = [
                "SWIFTSTACK_ROOT": directory.url.appendingPathComponent("state").path,
                "SWIFTSTACK_RUN": directory.url.appendingPathComponent("run").path,
            ]
            try BusyboxImage.makeRootfs(at: directory.url.appendingPathComponent("rootfs"))
        }

        func run(_ arguments: [String]) throws -> CLI.Result {
            try CLI.run(arguments, environment: environment)
        }

        /// `image inspect NAME`'s `Config` object.
        func config(_ image: String) throws -> [String: Any] {
            let inspected = try run(["image", "inspect", image])
            #expect(inspected.status == 0, "\(inspected.stderr)")
            let details = try JSONSerialization.jsonObject(with: Data(inspected.stdout.utf8)) as? [[String: Any]]
            return try #require(details?.first?["Config"] as? [String: Any])
        }

        func build(_ dockerfile: String, tag: String) throws -> CLI.Result {
            let context = directory.url.appendingPathComponent("context-" + tag)
            try FileManager.default.createDirectory(at: context, withIntermediateDirectories: true)
            try dockerfile.write(to: context.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
            return try run(["build", "-q", "-t", tag, context.path])
        }
    }

    @Test func importChangesAndBuildsCarryTriggersShellAndHealthcheck() throws {
        let sandbox = try Sandbox()
        let imported = try sandbox.run([
            "image", "import",
            "-c", "HEALTHCHECK --interval=5s --retries=2 CMD test -e /tmp",
            "-c", "ONBUILD RUN echo from-import > /imported.txt",
            sandbox.directory.url.appendingPathComponent("rootfs").path, "base:1",
        ])
        #expect(imported.status == 0, "\(imported.stderr)")
        let base = try sandbox.config("base:1")
        #expect(base["OnBuild"] as? [String] == ["RUN echo from-import > /imported.txt"])
        let health = base["Healthcheck"] as? [String: Any]
        #expect(health?["Test"] as? [String] == ["CMD-SHELL", "test -e /tmp"])
        #expect(health?["Interval"] as? Int == 5_000_000_000)
        #expect(health?["Retries"] as? Int == 2)

        let parent = try sandbox.build(
            """
            FROM base:1
            SHELL ["/bin/sh", "-ec"]
            ONBUILD RUN echo from-parent > /parent.txt
            """, tag: "parent")
        #expect(parent.status == 0, "\(parent.stderr)")
        let parentConfig = try sandbox.config("parent")
        #expect(parentConfig["OnBuild"] as? [String] == ["RUN echo from-parent > /parent.txt"])
        #expect(parentConfig["Shell"] as? [String] == ["/bin/sh", "-ec"])
        let ranImport = try sandbox.run(["run", "--rm", "--network", "none", "parent", "cat", "/imported.txt"])
        #expect(ranImport.stdout == "from-import\n", "the imported image's trigger ran in the parent's build")

        let child = try sandbox.build("FROM parent\nCMD [\"cat\", \"/parent.txt\"]\n", tag: "child")
        #expect(child.status == 0, "\(child.stderr)")
        let childConfig = try sandbox.config("child")
        #expect(childConfig["OnBuild"] == nil, "triggers are not inherited further")
        #expect(childConfig["Shell"] as? [String] == ["/bin/sh", "-ec"])
        let ran = try sandbox.run(["run", "--rm", "--network", "none", "child"])
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(ran.stdout == "from-parent\n")
    }
}
