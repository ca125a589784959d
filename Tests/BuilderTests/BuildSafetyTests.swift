import Builder
import Foundation
import Glibc
import Images
import Testing

/// Hostile inputs: nothing outside the context is read, nothing outside the store is written.
@Suite struct BuildSafetyTests {
    @Test func aContextSymlinkToTheHostIsNotFollowedOut() async throws {
        let sandbox = try BuildSandbox()
        defer { sandbox.cleanup() }
        try FileManager.default.createDirectory(atPath: sandbox.context + "/dir", withIntermediateDirectories: true)
        symlink("/etc/passwd", sandbox.context + "/passwd")
        symlink("/etc/passwd", sandbox.context + "/dir/passwd-link")
        // The link resolves inside the context, where /etc/passwd does not exist.
        let error = await sandbox.buildError("FROM busybox:test\nCOPY passwd /stolen\n")
        #expect(error?.code == .sourceNotFound)
        #expect(error?.line == 2)
        // Inside a copied directory a link stays a link: the host file is never read.
        let (result, _) = try await sandbox.build("FROM busybox:test\nCOPY dir /copied/\n")
        let (_, target) = try sandbox.run(result.imageID, ["readlink", "/copied/passwd-link"])
        #expect(target == "/etc/passwd\n")
        // ... and in a container it points at the image's own /etc/passwd.
        #expect(try sandbox.read(result.imageID, "/copied/passwd-link")?.contains("app:x:1000") == true)
    }

    @Test func parentDirectorySourcesAreClampedToTheContext() async throws {
        let sandbox = try BuildSandbox()
        defer { sandbox.cleanup() }
        let missing = await sandbox.buildError("FROM busybox:test\nCOPY ../../etc/passwd /stolen\n")
        #expect(missing?.code == .sourceNotFound)
        // Docker's clamping: `../../etc/passwd` is the context's etc/passwd.
        try sandbox.write(["etc/passwd": "context copy\n"])
        let (result, _) = try await sandbox.build("FROM busybox:test\nCOPY ../../etc/passwd /stolen\n")
        #expect(try sandbox.read(result.imageID, "/stolen") == "context copy\n")
    }

    @Test func addRefusesArchivesClimbingOut() async throws {
        let sandbox = try BuildSandbox()
        defer { sandbox.cleanup() }
        let marker = "escaped-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let tar = ustarArchive([("ok.txt", "ok"), ("../../../../../../../../tmp/\(marker)", "bad")])
        try Data(tar).write(to: URL(fileURLWithPath: sandbox.context + "/evil.tar"))
        let error = await sandbox.buildError("FROM busybox:test\nADD evil.tar /opt/\n")
        #expect(error?.code == .unsafePath)
        #expect(error?.line == 2)
        #expect(!FileManager.default.fileExists(atPath: "/tmp/" + marker))
    }

    @Test func destinationsThroughImageSymlinksStayInTheImage() async throws {
        let sandbox = try BuildSandbox()
        defer { sandbox.cleanup() }
        try sandbox.write(["payload.txt": "payload\n"])
        let outside = sandbox.directory + "/outside"
        let (result, _) = try await sandbox.build(
            """
            FROM busybox:test
            RUN ln -s ../../../../../../..\(outside) /escape && ln -s /etc /etc-link
            COPY payload.txt /escape/
            COPY payload.txt /etc-link/payload.txt
            """)
        #expect(!FileManager.default.fileExists(atPath: outside + "/payload.txt"))
        // The link is resolved inside the image root: the file lands at the image's own path.
        #expect(try sandbox.read(result.imageID, outside + "/payload.txt") == "payload\n")
        #expect(try sandbox.read(result.imageID, "/etc/payload.txt") == "payload\n")
    }
}
