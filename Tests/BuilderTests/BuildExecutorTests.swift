import Builder
import Foundation
import Glibc
import Images
import Runtime
import Testing

/// Real builds (as root) of busybox-based Dockerfiles: each instruction's effect is checked in
/// the image config or in a container run from the result.
@Suite struct BuildExecutorTests {
    @Test func configInstructionsLandInTheImageConfig() async throws {
        let sandbox = try BuildSandbox()
        defer { sandbox.cleanup() }
        let (result, _) = try await sandbox.build(
            """
            FROM busybox:test
            ENV LEVEL=debug NAME="a b"
            LABEL org.example.role=crawler version=2
            MAINTAINER someone@example.com
            EXPOSE 8080 53/udp
            ENTRYPOINT ["/bin/echo"]
            USER app
            STOPSIGNAL SIGINT
            VOLUME /data
            HEALTHCHECK --interval=5s --retries=2 CMD test -e /tmp
            SHELL ["/bin/sh", "-ec"]
            CMD echo hi
            ONBUILD RUN echo later
            """)
        let config = try sandbox.store.image(result.imageID).config
        #expect(config.env == ["PATH=/bin", "LEVEL=debug", "NAME=a b"])
        #expect(config.labels == ["org.example.role": "crawler", "version": "2", "maintainer": "someone@example.com"])
        #expect(config.exposedPorts == ["53/udp", "8080/tcp"])
        #expect(config.entrypoint == ["/bin/echo"])
        // CMD after SHELL uses it.
        #expect(config.cmd == ["/bin/sh", "-ec", "echo hi"])
        #expect(config.user == "app")
        #expect(config.stopSignal == "SIGINT")
        #expect(config.volumes == ["/data"])
        #expect(config.healthcheck?.test == ["CMD-SHELL", "test -e /tmp"])
        #expect(config.healthcheck?.interval == 5_000_000_000)
        #expect(config.healthcheck?.retries == 2)
        let history = try sandbox.store.history(of: try sandbox.store.image(result.imageID))
        #expect(history.count >= 13)
    }

    @Test func buildLabelsGoOnTopAndAreCached() async throws {
        let sandbox = try BuildSandbox()
        defer { sandbox.cleanup() }
        let dockerfile = "FROM busybox:test\nLABEL stage=file\n"
        let (plain, _) = try await sandbox.build(dockerfile)
        let (labelled, _) = try await sandbox.build(dockerfile, labels: ["stage": "flag", "extra": "1"])
        #expect(try sandbox.store.image(labelled.imageID).config.labels == ["stage": "flag", "extra": "1"])
        #expect(try sandbox.store.image(plain.imageID).config.labels == ["stage": "file"])
        let (again, _) = try await sandbox.build(dockerfile, labels: ["extra": "1", "stage": "flag"])
        #expect(again.imageID == labelled.imageID)
    }

    @Test func entrypointClearsTheInheritedCmd() async throws {
        let sandbox = try BuildSandbox()
        defer { sandbox.cleanup() }
        let (result, _) = try await sandbox.build("FROM busybox:test\nENTRYPOINT [\"/bin/cat\"]\n")
        let config = try sandbox.store.image(result.imageID).config
        #expect(config.entrypoint == ["/bin/cat"])
        #expect(config.cmd == nil)
    }

    @Test func runCopyWorkdirAndArgsShowInTheContainer() async throws {
        let sandbox = try BuildSandbox()
        defer { sandbox.cleanup() }
        try sandbox.write(["hello.txt": "hello\n", "dir/a.txt": "A\n", "dir/sub/b.txt": "B\n"])
        let (result, events) = try await sandbox.build(
            """
            FROM busybox:test
            WORKDIR /app
            COPY hello.txt .
            COPY dir /data/
            RUN echo built > /app/built.txt && rm /etc/group && echo to-the-log
            ARG GREETING=hi
            ENV LEVEL=debug
            RUN echo "$GREETING $LEVEL $(pwd)" > /app/env.txt
            USER app
            RUN id -u > /tmp/uid.txt
            """, buildArguments: ["GREETING": "hello"])
        let image = result.imageID
        #expect(try sandbox.read(image, "/app/hello.txt") == "hello\n")
        #expect(try sandbox.read(image, "/data/a.txt") == "A\n")
        #expect(try sandbox.read(image, "/data/sub/b.txt") == "B\n")
        #expect(try sandbox.read(image, "/app/built.txt") == "built\n")
        // Removed by a later layer: a whiteout hides it.
        #expect(try sandbox.read(image, "/etc/group") == nil)
        #expect(try sandbox.read(image, "/app/env.txt") == "hello debug /app\n")
        #expect(try sandbox.read(image, "/tmp/uid.txt") == "1000\n")
        #expect(events.output.contains("to-the-log"))
        // Build arguments reach RUN but are not saved.
        let config = try sandbox.store.image(image).config
        #expect(!config.env.contains { $0.hasPrefix("GREETING=") })
        #expect(config.workingDir == "/app")
        let (status, listing) = try sandbox.run(image, ["stat", "-c", "%a %u", "/app"])
        #expect(status == 0)
        #expect(listing == "755 0\n")
    }

    @Test func copyChownAndChmodUseTheImagesUsers() async throws {
        let sandbox = try BuildSandbox()
        defer { sandbox.cleanup() }
        try sandbox.write(["a.txt": "a\n", "b.sh": "echo b\n"])
        let (result, _) = try await sandbox.build(
            """
            FROM busybox:test
            COPY --chown=app:staff a.txt /files/
            COPY --chown=1234 --chmod=0750 b.sh /files/run.sh
            COPY <<EOF /files/note.txt
            from a heredoc
            EOF
            """)
        let (_, owners) = try sandbox.run(
            result.imageID, ["stat", "-c", "%n %u:%g %a", "/files/a.txt", "/files/run.sh", "/files/note.txt"])
        #expect(owners == "/files/a.txt 1000:50 644\n/files/run.sh 1234:1234 750\n/files/note.txt 0:0 644\n")
        #expect(try sandbox.read(result.imageID, "/files/note.txt") == "from a heredoc\n")
    }

    @Test func wildcardsAndTrailingSlashRules() async throws {
        let sandbox = try BuildSandbox()
        defer { sandbox.cleanup() }
        try sandbox.write(["x1.txt": "1", "x2.txt": "2", "y.md": "y", "single": "s"])
        let (result, _) = try await sandbox.build(
            """
            FROM busybox:test
            COPY x*.txt /many/
            COPY single /renamed
            COPY single /into/
            """)
        let (_, listing) = try sandbox.run(result.imageID, ["ls", "/many", "/into"])
        #expect(listing == "/into:\nsingle\n\n/many:\nx1.txt\nx2.txt\n")
        #expect(try sandbox.read(result.imageID, "/renamed") == "s")
        let error = await sandbox.buildError("FROM busybox:test\nCOPY x1.txt x2.txt /notadir\n")
        #expect(error?.code == .invalidArguments)
        #expect(error?.line == 2)
    }

    @Test func copyExcludeLeavesMatchingFilesOut() async throws {
        let sandbox = try BuildSandbox()
        defer { sandbox.cleanup() }
        try sandbox.write(["src/keep.txt": "k", "src/skip.log": "s", "src/deep/also.log": "d", "top.log": "t"])
        let (result, _) = try await sandbox.build(
            "FROM busybox:test\nCOPY --exclude=*.log --exclude=**/*.log src /app/\nCOPY --exclude=*.log *.log /none/\n")
        let (_, listing) = try sandbox.run(result.imageID, ["ls", "-R", "/app"])
        #expect(listing == "/app:\ndeep\nkeep.txt\n\n/app/deep:\n")
        let refused = await sandbox.buildError("FROM busybox:test\nRUN --mount=type=cache,target=/c true\n")
        #expect(refused?.code == .unsupported)
        #expect(refused?.line == 2)
        let network = await sandbox.buildError("FROM busybox:test\nRUN --network=host true\n")
        #expect(network?.code == .unsupported)
    }

    @Test func addExtractsLocalTarballs() async throws {
        let sandbox = try BuildSandbox()
        defer { sandbox.cleanup() }
        let tar = ustarArchive([("pkg/readme.txt", "inside\n")])
        try Data(tar).write(to: URL(fileURLWithPath: sandbox.context + "/bundle.tar"))
        let (result, _) = try await sandbox.build(
            "FROM busybox:test\nADD bundle.tar /opt/\nADD --unpack=false bundle.tar /raw/\n")
        #expect(try sandbox.read(result.imageID, "/opt/pkg/readme.txt") == "inside\n")
        let (_, size) = try sandbox.run(result.imageID, ["stat", "-c", "%s", "/raw/bundle.tar"])
        #expect(size == "\(tar.count)\n")
        let error = await sandbox.buildError("FROM busybox:test\nADD https://example.com/x.tar /opt/\n")
        #expect(error?.code == .unsupported)
        #expect(error?.line == 2)
    }

    /// The lesson's shape: a builder stage runs a script that produces the artifact, the final
    /// stage copies only that; an unrelated failing stage is never built.
    @Test func multiStageCopyFromBuildsOnlyWhatTheTargetNeeds() async throws {
        let sandbox = try BuildSandbox()
        defer { sandbox.cleanup() }
        try sandbox.write(["build.sh": "mkdir -p out\necho 'crawler binary' > out/crawler\n"])
        let dockerfile = """
            FROM busybox:test AS builder
            WORKDIR /src
            COPY build.sh .
            RUN sh build.sh

            FROM busybox:test AS broken
            RUN exit 3

            FROM busybox:test
            COPY --from=builder /src/out/crawler /app/crawler
            CMD ["cat", "/app/crawler"]
            """
        let (result, events) = try await sandbox.build(dockerfile)
        #expect(try sandbox.read(result.imageID, "/app/crawler") == "crawler binary\n")
        #expect(try sandbox.read(result.imageID, "/src/build.sh") == nil)
        #expect(!events.all.contains { $0.stage == "broken" })
        let (builderOnly, _) = try await sandbox.build(dockerfile, tags: ["stage:builder"], target: "builder")
        #expect(try sandbox.read(builderOnly.imageID, "/src/out/crawler") == "crawler binary\n")
        let error = await sandbox.buildError(dockerfile, target: "broken")
        #expect(error?.code == .runFailed)
        #expect(error?.line == 7)
        #expect(error?.message.contains("exit code 3") == true)
    }

    @Test func independentStagesFeedOneFinalStage() async throws {
        let sandbox = try BuildSandbox()
        defer { sandbox.cleanup() }
        let (result, events) = try await sandbox.build(
            """
            FROM busybox:test AS left
            RUN echo left > /left.txt
            FROM busybox:test AS right
            RUN echo right > /right.txt
            FROM busybox:test
            COPY --from=left /left.txt /both/
            COPY --from=right /right.txt /both/
            COPY --from=busybox:test /etc/passwd /both/passwd
            """)
        #expect(try sandbox.read(result.imageID, "/both/left.txt") == "left\n")
        #expect(try sandbox.read(result.imageID, "/both/right.txt") == "right\n")
        #expect(try sandbox.read(result.imageID, "/both/passwd")?.hasPrefix("root:x:0:0") == true)
        #expect(Set(events.all.map(\.stage)).isSuperset(of: ["left", "right", "stage-2"]))
        // Staging trees and build containers are gone.
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: sandbox.stateRoot + "/builder/tmp/\(getpid())").isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: sandbox.stateRoot + "/containers").isEmpty)
    }

    @Test func runHeredocsAndExecForm() async throws {
        let sandbox = try BuildSandbox()
        defer { sandbox.cleanup() }
        let (result, _) = try await sandbox.build(
            """
            FROM busybox:test
            RUN <<EOF
            echo one > /tmp/script.txt
            echo two >> /tmp/script.txt
            EOF
            RUN cat <<EOT > /tmp/fed.txt
            fed by a heredoc
            EOT
            RUN ["/bin/sh", "-c", "echo exec > /tmp/exec.txt"]
            """)
        #expect(try sandbox.read(result.imageID, "/tmp/script.txt") == "one\ntwo\n")
        #expect(try sandbox.read(result.imageID, "/tmp/fed.txt") == "fed by a heredoc\n")
        #expect(try sandbox.read(result.imageID, "/tmp/exec.txt") == "exec\n")
    }

    @Test func scratchStagesGetTheDefaultPathAndRunWhatWasCopied() async throws {
        let sandbox = try BuildSandbox()
        defer { sandbox.cleanup() }
        let (result, _) = try await sandbox.build(
            """
            FROM scratch
            COPY --from=busybox:test /bin/busybox /bin/busybox
            RUN ["/bin/busybox", "sh", "-c", "echo from-scratch > /made.txt"]
            """)
        let image = try sandbox.store.image(result.imageID)
        #expect(image.config.env == ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"])
        #expect(image.diffIDs.count == 2)
        let (_, made) = try sandbox.run(result.imageID, ["/bin/busybox", "cat", "/made.txt"])
        #expect(made == "from-scratch\n")
        let empty = await sandbox.buildError("FROM scratch\nRUN true\n")
        #expect(empty?.code == .unsupported)
    }

    @Test func leftoversOfAKilledBuildAreSwept() async throws {
        let sandbox = try BuildSandbox()
        defer { sandbox.cleanup() }
        // A staging tree of a process that is gone, and an exited RUN container.
        let dead = sandbox.stateRoot + "/builder/tmp/4194302"
        try FileManager.default.createDirectory(atPath: dead + "/copy-1/app", withIntermediateDirectories: true)
        let runtime = ContainerRuntime(root: sandbox.stateRoot)
        let base = try sandbox.store.image("busybox:test")
        var spec = ContainerSpec(
            lowerDirectories: try sandbox.store.layerDirectories(of: base), command: ["true"],
            labels: ["swiftstack.build": "1"])
        spec.name = "left-" + String(spec.id.prefix(8))
        try runtime.create(spec)
        let devnull = open("/dev/null", O_RDWR)
        let pid = try runtime.start(spec.id, io: ProcessIO(stdin: devnull, stdout: devnull, stderr: devnull))
        close(devnull)
        _ = try runtime.waitForExit(spec.id, pid: pid)
        _ = try await sandbox.build("FROM busybox:test\nLABEL swept=yes\n")
        #expect(!FileManager.default.fileExists(atPath: dead))
        #expect(runtime.list().isEmpty)
    }

    @Test func onbuildTriggersRunInAChildStage() async throws {
        let sandbox = try BuildSandbox()
        defer { sandbox.cleanup() }
        let (result, _) = try await sandbox.build(
            """
            FROM busybox:test AS base
            ONBUILD RUN echo triggered > /tmp/onbuild.txt
            FROM base
            RUN cat /tmp/onbuild.txt
            """)
        #expect(try sandbox.read(result.imageID, "/tmp/onbuild.txt") == "triggered\n")
    }

    /// ONBUILD and SHELL are saved in the config as Docker saves them (`OnBuild`, `Shell`); a
    /// separate, later build FROM the image runs the triggers and inherits the shell, and its
    /// own image carries no triggers, so a grandchild runs none.
    @Test func onbuildAndShellTravelInTheImageConfig() async throws {
        let sandbox = try BuildSandbox()
        defer { sandbox.cleanup() }
        let (parent, _) = try await sandbox.build(
            """
            FROM busybox:test
            SHELL ["/bin/sh", "-ec"]
            ONBUILD RUN echo triggered >> /tmp/onbuild.txt
            ONBUILD LABEL from.trigger=yes
            """, tags: ["parent:1"])
        let parentConfig = try sandbox.store.image(parent.imageID).config
        #expect(parentConfig.onBuild == ["RUN echo triggered >> /tmp/onbuild.txt", "LABEL from.trigger=yes"])
        #expect(parentConfig.shell == ["/bin/sh", "-ec"])
        // The parent itself did not run its triggers.
        #expect(try sandbox.read(parent.imageID, "/tmp/onbuild.txt") == nil)

        let (child, _) = try await sandbox.build("FROM parent:1\nRUN echo $- > /tmp/flags\n", tags: ["child:1"])
        let childConfig = try sandbox.store.image(child.imageID).config
        #expect(try sandbox.read(child.imageID, "/tmp/onbuild.txt") == "triggered\n")
        #expect(childConfig.labels["from.trigger"] == "yes")
        #expect(childConfig.onBuild.isEmpty)
        #expect(childConfig.shell == ["/bin/sh", "-ec"])
        // RUN used the inherited `sh -ec`: errexit is on.
        #expect(try sandbox.read(child.imageID, "/tmp/flags")?.contains("e") == true)

        let (grandchild, _) = try await sandbox.build("FROM child:1\nRUN true\n", tags: ["grandchild:1"])
        #expect(try sandbox.read(grandchild.imageID, "/tmp/onbuild.txt") == "triggered\n")
    }

    /// The merged view COPY --from reads (no overlayfs) follows overlayfs across three layers:
    /// a file deleted in the second is gone, a directory made opaque there hides what the first
    /// put in it, and what the third puts in it is there.
    @Test func copyFromHonoursWhiteoutsAndOpaqueDirectories() async throws {
        let sandbox = try BuildSandbox()
        defer { sandbox.cleanup() }
        let (result, _) = try await sandbox.build(
            """
            FROM busybox:test AS layers
            RUN mkdir -p /data/keep /data/opaque && echo 1 > /data/gone.txt && echo old > /data/opaque/old.txt && echo k > /data/keep/k.txt
            RUN rm /data/gone.txt && rm -rf /data/opaque && mkdir /data/opaque
            RUN echo new > /data/opaque/new.txt
            FROM busybox:test
            COPY --from=layers /data /copied
            COPY --from=layers /data/opaque/ /flat/
            """)
        let layers = try sandbox.store.layerDirectories(of: try sandbox.store.image(result.imageID))
        #expect(layers.count >= 2)
        #expect(try sandbox.read(result.imageID, "/copied/keep/k.txt") == "k\n")
        #expect(try sandbox.read(result.imageID, "/copied/gone.txt") == nil)
        #expect(try sandbox.read(result.imageID, "/copied/opaque/old.txt") == nil)
        #expect(try sandbox.read(result.imageID, "/copied/opaque/new.txt") == "new\n")
        #expect(try sandbox.read(result.imageID, "/flat/new.txt") == "new\n")
        #expect(try sandbox.read(result.imageID, "/flat/old.txt") == nil)
        let (_, listing) = try sandbox.run(result.imageID, ["ls", "-a", "/copied/opaque", "/copied"])
        #expect(!listing.contains("old.txt") && !listing.contains("gone.txt") && !listing.contains(".wh."))
    }

    @Test func runFailureReportsCodeLineAndLastOutput() async throws {
        let sandbox = try BuildSandbox()
        defer { sandbox.cleanup() }
        let error = await sandbox.buildError("FROM busybox:test\nENV A=1\nRUN echo first; echo oops >&2; exit 7\n")
        #expect(error?.code == .runFailed)
        #expect(error?.file == "Dockerfile")
        #expect(error?.line == 3)
        #expect(error?.message.contains("exit code 7") == true)
        #expect(error?.message.contains("oops") == true)
        // The failed step's container is gone.
        #expect(try FileManager.default.contentsOfDirectory(atPath: sandbox.stateRoot + "/containers").isEmpty)
    }

    @Test func missingSourcesAreExplained() async throws {
        let sandbox = try BuildSandbox()
        defer { sandbox.cleanup() }
        try sandbox.write(["config.yaml": "x", "secret.env": "TOKEN=1", ".dockerignore": "*.env\n"])
        let missing = await sandbox.buildError("FROM busybox:test\nCOPY config.yml /etc/\n")
        #expect(missing?.code == .sourceNotFound)
        #expect(missing?.line == 2)
        #expect(missing?.hint == "did you mean config.yaml?")
        let excluded = await sandbox.buildError("FROM busybox:test\nCOPY secret.env /etc/\n")
        #expect(excluded?.code == .sourceExcluded)
        let chown = await sandbox.buildError("FROM busybox:test\nCOPY --chown=nobody config.yaml /etc/\n")
        #expect(chown?.code == .unknownUser)
        #expect(chown?.line == 2)
        let stage = await sandbox.buildError("FROM busybox:test\nCOPY --from=nowhere /x /y\n")
        #expect(stage?.code == .missingStage)
        #expect(stage?.line == 2)
        let user = await sandbox.buildError("FROM busybox:test\nUSER ghost\nRUN true\n")
        #expect(user?.code == .unknownUser)
        #expect(user?.line == 3)
    }
}
