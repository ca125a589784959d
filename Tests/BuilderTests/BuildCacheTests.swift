import Builder
import Foundation
import Glibc
import Images
import Testing

/// The step cache and reproducibility: hits and misses exactly where the inputs changed.
@Suite struct BuildCacheTests {
    static let dockerfile = """
        FROM busybox:test
        ENV MODE=test
        COPY app.txt /app/
        RUN cat /app/app.txt > /app/copy.txt
        COPY other.txt /app/
        CMD ["cat", "/app/copy.txt"]
        """

    @Test func unchangedRebuildIsCachedAndGivesTheSameImage() async throws {
        let sandbox = try BuildSandbox()
        defer { sandbox.cleanup() }
        try sandbox.write(["app.txt": "v1\n", "other.txt": "o\n"])
        let (first, firstEvents) = try await sandbox.build(Self.dockerfile)
        #expect(firstEvents.cachedSteps.isEmpty)
        #expect(first.executedSteps == 5)
        let imagesBefore = try sandbox.store.list().count
        let (second, events) = try await sandbox.build(Self.dockerfile)
        #expect(second.imageID == first.imageID)
        #expect(second.executedSteps == 0)
        #expect(events.cachedSteps.count == 5)
        // No new layer, no new image.
        #expect(try sandbox.store.list().count == imagesBefore)
    }

    @Test func changingOneSourceMissesFromThatStepOn() async throws {
        let sandbox = try BuildSandbox()
        defer { sandbox.cleanup() }
        try sandbox.write(["app.txt": "v1\n", "other.txt": "o\n"])
        _ = try await sandbox.build(Self.dockerfile)
        try sandbox.write(["other.txt": "changed\n"])
        let (_, onlyLast) = try await sandbox.build(Self.dockerfile)
        #expect(
            onlyLast.cachedSteps == ["ENV MODE=test", "COPY app.txt /app/", "RUN cat /app/app.txt > /app/copy.txt"])
        #expect(onlyLast.ranSteps.contains("COPY other.txt /app/"))
        #expect(onlyLast.ranSteps.contains("CMD [\"cat\", \"/app/copy.txt\"]"))

        try sandbox.write(["app.txt": "v2\n"])
        let (result, fromCopy) = try await sandbox.build(Self.dockerfile)
        #expect(fromCopy.cachedSteps == ["ENV MODE=test"])
        #expect(try sandbox.read(result.imageID, "/app/copy.txt") == "v2\n")
    }

    @Test func filesExcludedByDockerignoreChangeNothing() async throws {
        let sandbox = try BuildSandbox()
        defer { sandbox.cleanup() }
        try sandbox.write([
            "app/main.txt": "main\n", "app/debug.log": "1\n", ".dockerignore": "**/*.log\n", "notes.md": "n",
        ])
        let dockerfile = "FROM busybox:test\nCOPY . /src/\n"
        let (first, _) = try await sandbox.build(dockerfile)
        #expect(try sandbox.read(first.imageID, "/src/app/debug.log") == nil)
        #expect(try sandbox.read(first.imageID, "/src/app/main.txt") == "main\n")
        try sandbox.write(["app/debug.log": "2\n", "app/new.log": "3\n"])
        let (second, events) = try await sandbox.build(dockerfile)
        #expect(events.cachedSteps == ["COPY . /src/"])
        #expect(second.imageID == first.imageID)
        try sandbox.write(["notes.md": "changed"])
        let (_, changed) = try await sandbox.build(dockerfile)
        #expect(changed.cachedSteps.isEmpty)
    }

    @Test func noCacheRunsEverythingAndIsReproducible() async throws {
        let sandbox = try BuildSandbox()
        defer { sandbox.cleanup() }
        try sandbox.write(["app.txt": "v1\n", "other.txt": "o\n"])
        let (first, _) = try await sandbox.build(Self.dockerfile)
        let (second, events) = try await sandbox.build(Self.dockerfile, noCache: true)
        #expect(events.cachedSteps.isEmpty)
        #expect(second.executedSteps == 5)
        // SOURCE_DATE_EPOCH: equal inputs, equal digest, even when every step ran again.
        #expect(second.imageID == first.imageID)
    }

    @Test func sameInputsInAnotherStateRootGiveTheSameDigest() async throws {
        let one = try BuildSandbox()
        defer { one.cleanup() }
        let two = try BuildSandbox()
        defer { two.cleanup() }
        for sandbox in [one, two] { try sandbox.write(["app.txt": "v1\n", "other.txt": "o\n"]) }
        // Files written now are clamped to SOURCE_DATE_EPOCH in both.
        let (a, _) = try await one.build(Self.dockerfile)
        let (b, _) = try await two.build(Self.dockerfile)
        #expect(a.imageID == b.imageID)
    }

    @Test func theCacheSurvivesANewBuilder() async throws {
        let sandbox = try BuildSandbox()
        defer { sandbox.cleanup() }
        try sandbox.write(["app.txt": "v1\n", "other.txt": "o\n"])
        _ = try await sandbox.build(Self.dockerfile)
        let entries = try FileManager.default.contentsOfDirectory(atPath: sandbox.stateRoot + "/builder/cache")
        #expect(entries.count == 5)
        #expect(!entries.contains { $0.hasPrefix(".tmp") })
    }
}
