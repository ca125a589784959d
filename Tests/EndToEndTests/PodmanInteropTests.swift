import Foundation
import Testing

/// podman runs what we save, and we run what podman builds and saves (issue 4). podman is a
/// test peer `make test` installs (`make test-deps`); each test is skipped, saying so, only
/// when it is absent. Every test has its own podman `--root`/`--runroot` under its temporary
/// directory and a containers.conf that keeps podman off the network (`netns="none"`, and
/// `--network none` on every run and build: podman's bridge helper would turn ip_forward on).
@Suite("Interoperability with podman")
struct PodmanInteropTests {
    static let podman = "/usr/bin/podman"
    static var hasPodman: Bool { FileManager.default.isExecutableFile(atPath: podman) }
    static let skipReason: Comment = "podman is not installed (make test-deps: apt-get install podman runc)"

    /// A swiftstack state root with the busybox image, and a private podman.
    final class Sandbox {
        let directory: TemporaryDirectory
        let environment: [String: String]
        let podmanArguments: [String]
        let podmanEnvironment: [String: String]
        let ipForwardBefore: String

        init() throws {
            ipForwardBefore = Self.ipForward()
            directory = try TemporaryDirectory("swiftstack-podman")
            environment = [
                "SWIFTSTACK_ROOT": directory.url.appendingPathComponent("state").path,
                "SWIFTSTACK_RUN": directory.url.appendingPathComponent("run").path,
            ]
            // crun cannot run here (hugetlb is bound to cgroup v2 in hybrid mode) and the default
            // RLIMIT_NOFILE is above the hard limit: runc, bounded ulimits, no network namespace setup.
            let conf = try directory.write(
                "containers.conf",
                """
                [containers]
                netns = "none"
                default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
                [engine]
                runtime = "runc"

                """)
            let podmanRoot = directory.url.appendingPathComponent("podman")
            podmanArguments = [
                "--root", podmanRoot.appendingPathComponent("root").path,
                "--runroot", podmanRoot.appendingPathComponent("runroot").path,
                "--tmpdir", podmanRoot.appendingPathComponent("tmp").path,
                // vfs: no overlay mounts left on the host's mount table by a failing test.
                "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs", "--events-backend", "none",
            ]
            podmanEnvironment = ["CONTAINERS_CONF": conf.path, "TMPDIR": podmanRoot.appendingPathComponent("tmp").path]
            try FileManager.default.createDirectory(
                at: podmanRoot.appendingPathComponent("tmp"), withIntermediateDirectories: true)
            try BusyboxImage.importImage(scratch: directory.url, environment: environment)
        }

        deinit {
            // Containers are all `--rm`; this removes whatever a failed test left in its podman.
            _ = try? podman(["rm", "-af"])
        }

        static func ipForward() -> String {
            ((try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_forward", encoding: .utf8)) ?? "?")
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func swiftstack(_ arguments: [String]) throws -> CLI.Result {
            try CLI.run(arguments, environment: environment)
        }

        func podman(_ arguments: [String]) throws -> CLI.Result {
            try CLI.spawn(PodmanInteropTests.podman, podmanArguments + arguments, environment: podmanEnvironment)
        }

        /// `podman ARGUMENTS`, which must succeed.
        @discardableResult
        func podmanOK(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> CLI.Result {
            let result = try podman(arguments)
            #expect(
                result.status == 0, "podman \(arguments.joined(separator: " ")): \(result.stderr)",
                sourceLocation: sourceLocation)
            return result
        }

        /// `swiftstack ARGUMENTS`, which must succeed.
        @discardableResult
        func swiftstackOK(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws
            -> CLI.Result
        {
            let result = try swiftstack(arguments)
            #expect(
                result.status == 0, "swiftstack \(arguments.joined(separator: " ")): \(result.stderr)",
                sourceLocation: sourceLocation)
            return result
        }

        func path(_ name: String) -> String { directory.url.appendingPathComponent(name).path }

        /// The image podman's `load` reports (`Loaded image: NAME` or `Loaded image(s): NAME`).
        static func loadedImage(_ output: String) -> String? {
            output.split(separator: "\n").compactMap { line -> String? in
                guard let colon = line.firstIndex(of: ":"), line.hasPrefix("Loaded image") else { return nil }
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    .split(separator: ",").first.map(String.init)
            }.first
        }

        func expectForwardingOff(sourceLocation: SourceLocation = #_sourceLocation) {
            if ipForwardBefore == "0" {
                #expect(Self.ipForward() == "0", "ip_forward was turned on", sourceLocation: sourceLocation)
            }
        }
    }

    /// An image of ours with a second layer that adds a file and deletes one of busybox's, a
    /// CMD, ENV and WORKDIR, built by our builder.
    static let command = #"echo "$GREETING from $(cat /srv/made.txt) in $(pwd)"; test -e /etc/group || echo group gone"#

    @Test(.enabled(if: hasPodman, skipReason), arguments: ["docker", "oci"])
    func podmanLoadsAndRunsOurArchive(_ format: String) throws {
        let sandbox = try Sandbox()
        let context = sandbox.directory.url.appendingPathComponent("context")
        try FileManager.default.createDirectory(at: context, withIntermediateDirectories: true)
        try """
        FROM busybox
        ENV GREETING=hello
        RUN mkdir -p /srv && echo swiftstack > /srv/made.txt && rm /etc/group
        WORKDIR /srv
        CMD ["sh", "-c", \(String(decoding: try JSONEncoder().encode(Self.command), as: UTF8.self))]

        """.write(to: context.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
        try sandbox.swiftstackOK(["build", "-q", "-t", "interop/ours:\(format)", context.path])
        let ours = try sandbox.swiftstackOK(["run", "--rm", "--network", "none", "interop/ours:\(format)"])
        #expect(ours.stdout == "hello from swiftstack in /srv\ngroup gone\n")

        let archive = sandbox.path("ours-\(format).tar")
        try sandbox.swiftstackOK(["image", "save", "--format", format, "-o", archive, "interop/ours:\(format)"])
        let loaded = try sandbox.podmanOK(["load", "-i", archive])
        let name = try #require(Sandbox.loadedImage(loaded.stdout + loaded.stderr), "\(loaded.stdout)")
        #expect(name.hasSuffix("interop/ours:\(format)"), "podman named it \(name)")
        let theirs = try sandbox.podmanOK(["run", "--rm", "--network", "none", name])
        #expect(theirs.stdout == ours.stdout)
        // Same layers: podman's diff ids are ours.
        let inspected = try sandbox.podmanOK(["image", "inspect", "--format", "{{json .RootFS.Layers}}", name])
        let ourInspect = try sandbox.swiftstackOK(["image", "inspect", "interop/ours:\(format)"])
        let ourImage = try #require(
            (try JSONSerialization.jsonObject(with: Data(ourInspect.stdout.utf8)) as? [[String: Any]])?.first)
        let ourLayers = try #require((ourImage["RootFS"] as? [String: Any])?["Layers"] as? [String])
        let theirLayers = try JSONSerialization.jsonObject(with: Data(inspected.stdout.utf8)) as? [String]
        #expect(theirLayers == ourLayers)
        sandbox.expectForwardingOff()
    }

    /// podman builds FROM busybox (loaded from our docker archive, or imported from a root
    /// filesystem tar), saves in `format`; we load and run the result.
    @Test(.enabled(if: hasPodman, skipReason), arguments: ["docker-archive", "oci-archive"])
    func weLoadAndRunWhatPodmanBuilds(_ format: String) throws {
        let sandbox = try Sandbox()
        let base: String
        if format == "docker-archive" {
            let archive = sandbox.path("busybox.tar")
            try sandbox.swiftstackOK(["image", "save", "-o", archive, "busybox"])
            let loaded = try sandbox.podmanOK(["load", "-i", archive])
            base = try #require(Sandbox.loadedImage(loaded.stdout + loaded.stderr), "\(loaded.stdout)")
        } else {
            let rootfs = sandbox.directory.url.appendingPathComponent("bb")
            let tarball = sandbox.path("rootfs.tar")
            let tar = try CLI.spawn("/bin/tar", ["-C", rootfs.path, "-cf", tarball, "."])
            #expect(tar.status == 0, "\(tar.stderr)")
            try sandbox.podmanOK(["import", tarball, "localhost/imported-busybox:1"])
            base = "localhost/imported-busybox:1"
        }
        let context = sandbox.directory.url.appendingPathComponent("podman-context")
        try FileManager.default.createDirectory(at: context, withIntermediateDirectories: true)
        try "from the context\n".write(
            to: context.appendingPathComponent("note.txt"), atomically: true, encoding: .utf8)
        try """
        FROM \(base)
        ENV GREETING=hi
        COPY note.txt /srv/note.txt
        RUN echo podman > /srv/made.txt && rm /etc/group
        WORKDIR /srv
        CMD ["sh", "-c", \(String(decoding: try JSONEncoder().encode(Self.command + "; cat note.txt"), as: UTF8.self))]

        """.write(to: context.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
        try sandbox.podmanOK(["build", "--network", "none", "-q", "-t", "localhost/peer/built:1", context.path])
        let theirs = try sandbox.podmanOK(["run", "--rm", "--network", "none", "localhost/peer/built:1"])
        #expect(theirs.stdout == "hi from podman in /srv\ngroup gone\nfrom the context\n")

        let archive = sandbox.path("theirs.tar")
        try sandbox.podmanOK(["save", "--format", format, "-o", archive, "localhost/peer/built:1"])
        let loaded = try sandbox.swiftstackOK(["image", "load", "-i", archive])
        #expect(loaded.stdout.contains("Loaded image"), "\(loaded.stdout)")
        // podman names it localhost/peer/built:1 in both formats.
        let ours = try sandbox.swiftstackOK(["run", "--rm", "--network", "none", "localhost/peer/built:1"])
        #expect(ours.stdout == theirs.stdout)
        // An OCI archive names the manifest it carries: its digest is a RepoDigest; a Docker
        // archive has no manifest (ours is made on load), so none.
        let inspect = try sandbox.swiftstackOK(["image", "inspect", "localhost/peer/built:1"])
        let details = try #require(
            (try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [[String: Any]])?.first)
        let repoDigests = details["RepoDigests"] as? [String]
        if format == "oci-archive" {
            #expect(repoDigests == ["localhost/peer/built@" + (details["ManifestDigest"] as? String ?? "?")])
        } else {
            #expect(repoDigests == [])
        }
        sandbox.expectForwardingOff()
    }
}
