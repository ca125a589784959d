import Foundation
import Glibc
import Testing

@testable import Images

@Suite("Saving and loading image archives")
struct TransferTests {
    /// busybox, then a layer that adds a file and deletes `etc/hostname`.
    private func twoLayerImage(_ store: ImageStore, in directory: TestDirectory) throws -> Image {
        let tarball = directory.path + "/busybox.tar.gz"
        _ = try BusyboxRootfs.write(to: tarball)
        let base = try store.importRootfs(tarball: tarball, reference: "busybox")
        let upper = try Tree(directory.path + "/upper")
        try upper.file("srv/index.html", "hello\n")
        try upper.whiteout("etc/hostname")
        return try store.commit(
            base: base, layerFrom: upper.path,
            config: try base.config.applying(changes: ["CMD [\"cat\", \"/srv/index.html\"]"]),
            history: HistoryEntry(createdBy: "COPY index.html /srv/"), reference: "web:1")
    }

    @Test(arguments: ImageArchiveFormat.allCases)
    func saveThenLoadKeepsDigests(_ format: ImageArchiveFormat) throws {
        let directory = try TestDirectory("roundtrip")
        defer { directory.remove() }
        let source = try ImageStore(root: directory.path + "/source")
        let image = try twoLayerImage(source, in: directory)
        let archive = directory.path + "/web.tar"
        try source.save(["web:1"], to: archive, format: format)
        #expect(!TestDirectory.names(in: directory.path).contains { $0.hasSuffix(".tmp") })

        let target = try ImageStore(root: directory.path + "/target")
        let loaded = try target.load(archive: archive)
        #expect(loaded.count == 1)
        let copy = try target.image("web:1")
        #expect(copy.id == image.id && copy.diffIDs == image.diffIDs && copy.config == image.config)
        #expect(copy.history == image.history)
        if format == .oci { #expect(copy.manifestDigest == image.manifestDigest) }
        // RepoDigests: known only when the manifest came as is from a named OCI archive.
        #expect(image.repoDigests.isEmpty)
        #expect(copy.repoDigests == (format == .oci ? ["web@" + image.manifestDigest] : []))
        _ = try target.tag("web:1", as: "other:2")
        #expect(try target.image("other:2").repoDigests == copy.repoDigests)
        let layers = try target.layerDirectories(of: copy)
        #expect(try Files.read(layers[1] + "/srv/index.html") == Array("hello\n".utf8))
        #expect(
            Files.lstatInfo(layers[1] + "/etc/hostname").map { $0.st_mode & S_IFMT == S_IFCHR && $0.st_rdev == 0 }
                == true)

        // Saving again from the copy gives the same archive; loading into the source changes nothing.
        let again = directory.path + "/again.tar"
        try target.save(["web:1"], to: again, format: format)
        #expect(try Files.sha256(again) == (try Files.sha256(archive)))
        let blobsBefore = TestDirectory.names(in: directory.path + "/source/blobs/sha256")
        _ = try source.load(archive: again)
        #expect(try source.list().count == 2)
        // Nothing new: the images were there (a Docker archive's uncompressed layers are not kept).
        #expect(TestDirectory.names(in: directory.path + "/source/blobs/sha256") == blobsBefore)
        #expect(try target.summaries() == target.list().map(ImageSummary.init))
        #expect(try source.summaries() == source.list().map(ImageSummary.init))
        #expect(try source.image("web:1").manifestDigest == image.manifestDigest)

        if format == .docker {
            let names = try TestTarball.entryNames(of: archive)
            #expect(names.contains("manifest.json") && names.contains("blobs/sha256/" + image.diffIDs[1].dropFirst(7)))
        }
    }

    @Test func savingThroughASymbolicLinkOrADescriptorNeverReplacesIt() throws {
        let directory = try TestDirectory("save-targets")
        defer { directory.remove() }
        let store = try ImageStore(root: directory.path + "/images")
        _ = try twoLayerImage(store, in: directory)
        let target = directory.path + "/target.tar"
        try Files.write(target, "")
        let link = directory.path + "/link.tar"
        symlink(target, link)
        try store.save(["web:1"], to: link, format: .oci)
        #expect(Files.readLink(link) == target)
        #expect(try TestTarball.entryNames(of: target).contains("index.json"))

        let viaDescriptor = directory.path + "/fd.tar"
        let fd = open(viaDescriptor, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try store.save(["web:1"], toFileDescriptor: fd, format: .docker)
        #expect(fcntl(fd, F_GETFD) >= 0, "the descriptor stays open")
        close(fd)
        #expect(try TestTarball.entryNames(of: viaDescriptor).contains("manifest.json"))
        #expect { try store.save(["web:1"], to: directory.path, format: .oci) } throws: {
            ($0 as? ImageError)?.code == .invalidArgument
        }
        #expect { try store.save(["missing"], to: directory.path + "/missing.tar", format: .oci) } throws: {
            ($0 as? ImageError)?.code == .notFound
        }
        #expect(!TestDirectory.names(in: directory.path).contains { $0.hasPrefix(".") || $0 == "missing.tar" })
    }

    @Test func oldDockerLayoutWithSharedLayerSymlinkLoads() throws {
        let directory = try TestDirectory("old-layout")
        defer { directory.remove() }
        let layer = try TestImageArchive.layer(
            [.directory("etc/"), .file("etc/os-release", "ID=test\n")], in: directory.path)
        let diffID = TestImageArchive.sha256(layer)
        let configA = TestImageArchive.config(diffIDs: [diffID], cmd: ["a"])
        let configB = TestImageArchive.config(diffIDs: [diffID], cmd: ["b"])
        let hexA = String(TestImageArchive.sha256(configA).dropFirst(7))
        let hexB = String(TestImageArchive.sha256(configB).dropFirst(7))
        var archive = TestImageArchive()
        archive.entries.append(.directory("aaaa/"))
        archive.file("aaaa/layer.tar", layer)
        archive.file("aaaa/json", Array("{}".utf8))
        archive.entries.append(.directory("bbbb/"))
        archive.entries.append(.symlink("bbbb/layer.tar", to: "../aaaa/layer.tar"))
        archive.file(hexA + ".json", configA)
        archive.file(hexB + ".json", configB)
        archive.file(
            "manifest.json",
            TestImageArchive.json([
                ["Config": hexA + ".json", "RepoTags": ["old/a:1"], "Layers": ["aaaa/layer.tar"]],
                ["Config": hexB + ".json", "RepoTags": ["old/b:1", "old/b:latest"], "Layers": ["bbbb/layer.tar"]],
            ]))
        let path = directory.path + "/old.tar"
        try archive.write(to: path)
        let root = directory.path + "/images"
        let store = try ImageStore(root: root)
        let loaded = try store.load(archive: path)
        #expect(loaded.map(\.id) == ["sha256:" + hexA, "sha256:" + hexB])
        #expect(try store.image("old/b").references == ["old/b:1", "old/b:latest"])
        #expect(try store.image("old/a:1").config.cmd == ["a"])
        #expect(TestDirectory.names(in: root + "/snapshots").count == 1)
        #expect(try store.summaries() == store.list().map(ImageSummary.init))
        #expect(
            try Files.read(try store.layerDirectories(of: loaded[1])[0] + "/etc/os-release") == Array("ID=test\n".utf8))
    }

    @Test func ociArchiveWithGzipLayersAndABareTagLoads() throws {
        let directory = try TestDirectory("oci-load")
        defer { directory.remove() }
        let layer = try TestImageArchive.layer([.file("hello", "hi")], in: directory.path)
        let gzipped = try TestImageArchive.gzip(layer, in: directory.path)
        let (archive, manifestDigest, configDigest) = TestImageArchive.oci(
            layers: [(gzipped, TestImageArchive.sha256(layer), "application/vnd.oci.image.layer.v1.tar+gzip")],
            name: "latest")
        let path = directory.path + "/oci.tar"
        try archive.write(to: path)
        let store = try ImageStore(root: directory.path + "/images")
        let loaded = try store.load(archive: path)
        #expect(loaded.count == 1 && loaded[0].references.isEmpty)
        #expect(loaded[0].id == configDigest && loaded[0].manifestDigest == manifestDigest)
    }

    struct BadArchive: CustomTestStringConvertible, Sendable {
        var label: String
        var expected: ImageError.Code
        var messageContains: String
        var make: @Sendable (String) throws -> TestImageArchive
        var testDescription: String { label }
    }

    static let badArchives: [BadArchive] = [
        BadArchive(
            label: "manifest.json with ../ path", expected: .unsafeArchive, messageContains: "'../outside/layer.tar'"
        ) { directory in
            let layer = try TestImageArchive.layer([.file("x", "x")], in: directory)
            var archive = TestImageArchive()
            let config = TestImageArchive.config(diffIDs: [TestImageArchive.sha256(layer)])
            archive.file("config.json", config)
            archive.file(
                "manifest.json",
                TestImageArchive.json([
                    ["Config": "config.json", "RepoTags": ["bad:1"], "Layers": ["../outside/layer.tar"]]
                ]))
            return archive
        },
        BadArchive(
            label: "manifest.json with an absolute path", expected: .unsafeArchive, messageContains: "'/etc/passwd'"
        ) { _ in
            var archive = TestImageArchive()
            archive.file(
                "manifest.json",
                TestImageArchive.json([["Config": "/etc/passwd", "RepoTags": ["bad:1"], "Layers": []]]))
            return archive
        },
        BadArchive(
            label: "layer path through a symlink out of the archive", expected: .unsafeArchive,
            messageContains: "outside the archive"
        ) { directory in
            var archive = TestImageArchive()
            let config = TestImageArchive.config(diffIDs: [TestImageArchive.sha256([])])
            archive.file("config.json", config)
            archive.entries.append(.symlink("etc", to: "/etc"))
            archive.file(
                "manifest.json",
                TestImageArchive.json([["Config": "config.json", "RepoTags": ["bad:1"], "Layers": ["etc/passwd"]]]))
            return archive
        },
        BadArchive(label: "manifest pointing at a missing blob", expected: .corrupt, messageContains: "a missing blob")
        { directory in
            let layer = try TestImageArchive.layer([.file("x", "x")], in: directory)
            var (archive, _, _) = TestImageArchive.oci(layers: [
                (layer, TestImageArchive.sha256(layer), "application/vnd.oci.image.layer.v1.tar")
            ])
            archive.entries.removeAll { $0.name == "blobs/sha256/" + TestImageArchive.sha256(layer).dropFirst(7) }
            return archive
        },
        BadArchive(label: "layer whose digest does not match", expected: .corrupt, messageContains: "has digest") {
            directory in
            let layer = try TestImageArchive.layer([.file("x", "x")], in: directory)
            let other = try TestImageArchive.layer([.file("x", "tampered")], in: directory)
            var (archive, _, _) = TestImageArchive.oci(layers: [
                (layer, TestImageArchive.sha256(layer), "application/vnd.oci.image.layer.v1.tar")
            ])
            let name = "blobs/sha256/" + TestImageArchive.sha256(layer).dropFirst(7)
            archive.entries.removeAll { $0.name == name }
            archive.file(name, other)
            return archive
        },
        BadArchive(label: "layer whose diff_id does not match", expected: .corrupt, messageContains: "diff id") {
            directory in
            let layer = try TestImageArchive.layer([.file("x", "x")], in: directory)
            let gzipped = try TestImageArchive.gzip(layer, in: directory)
            return TestImageArchive.oci(
                layers: [(gzipped, TestImageArchive.sha256(layer), "application/vnd.oci.image.layer.v1.tar+gzip")],
                configDiffIDs: [TestImageArchive.sha256(Array("something else".utf8))]
            ).archive
        },
        BadArchive(label: "docker layer whose diff_id does not match", expected: .corrupt, messageContains: "diff id") {
            directory in
            let layer = try TestImageArchive.layer([.file("x", "x")], in: directory)
            var archive = TestImageArchive()
            archive.file(
                "config.json", TestImageArchive.config(diffIDs: [TestImageArchive.sha256(Array("other".utf8))]))
            archive.file("layer.tar", layer)
            archive.file(
                "manifest.json",
                TestImageArchive.json([["Config": "config.json", "RepoTags": ["bad:1"], "Layers": ["layer.tar"]]]))
            return archive
        },
        BadArchive(
            label: "index.json with a path for a digest", expected: .unsafeArchive,
            messageContains: "'../../etc/passwd'"
        ) { _ in
            var archive = TestImageArchive()
            archive.file("oci-layout", Array(#"{"imageLayoutVersion":"1.0.0"}"#.utf8))
            archive.file(
                "index.json",
                TestImageArchive.json([
                    "schemaVersion": 2,
                    "manifests": [
                        [
                            "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "../../etc/passwd",
                            "size": 10,
                        ]
                    ],
                ]))
            return archive
        },
        BadArchive(label: "gzip bomb layer", expected: .unsafeArchive, messageContains: "decompression bomb") {
            directory in
            let zeros = [UInt8](repeating: 0, count: 48 << 20)
            let bomb = try TestImageArchive.gzip(zeros, in: directory)
            return TestImageArchive.oci(layers: [
                (bomb, TestImageArchive.sha256(zeros), "application/vnd.oci.image.layer.v1.tar+gzip")
            ]).archive
        },
        BadArchive(label: "device node in a layer", expected: .unsafeArchive, messageContains: "dev/mem") { directory in
            let layer = try TestImageArchive.layer(
                [TestEntry(name: "dev/mem", kind: .characterDevice(major: 1, minor: 1), mode: 0o640)], in: directory)
            return TestImageArchive.oci(layers: [
                (layer, TestImageArchive.sha256(layer), "application/vnd.oci.image.layer.v1.tar")
            ]).archive
        },
        BadArchive(
            label: "neither manifest.json nor index.json", expected: .corrupt, messageContains: "neither manifest.json"
        ) { _ in
            var archive = TestImageArchive()
            archive.file("hello", Array("hi".utf8))
            return archive
        },
    ]

    @Test(arguments: badArchives)
    func badArchiveIsRefusedAndLeavesNothingBehind(_ bad: BadArchive) throws {
        let directory = try TestDirectory("bad-archive")
        defer { directory.remove() }
        let path = directory.path + "/bad.tar"
        try bad.make(directory.path).write(to: path)
        let root = directory.path + "/images"
        var store = try ImageStore(root: root)
        store.extractionLimits = ExtractionLimits(maxUncompressedBytes: 8 << 20, maxEntries: 1000)
        let before = TestDirectory.names(in: directory.path)
        let passwords = try Files.sha256("/etc/passwd")

        var thrown: ImageError?
        do { try store.load(archive: path) } catch { thrown = error }
        let error = try #require(thrown)
        #expect(error.code == bad.expected, "\(error)")
        #expect(error.message.contains(bad.messageContains), "\(error)")
        #expect(error.message.contains(path), "\(error)")

        #expect(try store.list().isEmpty)
        #expect(TestDirectory.names(in: root + "/blobs/sha256").isEmpty)
        #expect(TestDirectory.names(in: root + "/snapshots").isEmpty)
        #expect(TestDirectory.names(in: root + "/tmp").isEmpty)
        #expect(TestDirectory.names(in: directory.path) == before)
        #expect(!Files.exists(directory.path + "/outside"))
        #expect(try Files.sha256("/etc/passwd") == passwords)
    }
}
