import Digest
import Foundation
import Glibc
import Synchronization
import Testing

@testable import Images

@Suite("Importing a root filesystem")
struct ImportTests {
    @Test func importedImageIsFoundByNameTagIdAndPrefix() throws {
        let directory = try TestDirectory()
        defer { directory.remove() }
        let tarball = directory.path + "/busybox.tar.gz"
        _ = try BusyboxRootfs.write(to: tarball)
        let store = try ImageStore(root: directory.path + "/images")

        let imported = try store.importRootfs(tarball: tarball, reference: "busybox")
        #expect(imported.references == ["busybox:latest"])
        #expect(imported.id.hasPrefix("sha256:") && imported.id.count == 71)
        #expect(imported.diffIDs.count == 1)
        #expect(imported.size > Int64(try Files.read("/bin/busybox").count))

        let hex = String(imported.id.dropFirst(7))
        for reference in [
            "busybox", "busybox:latest", imported.id, String(hex.prefix(4)), String(hex.prefix(12)),
            "sha256:" + hex.prefix(8),
        ] {
            #expect(try store.image(reference) == imported, "lookup by \(reference)")
        }
        #expect(try store.list() == [imported])

        #expect { try store.image("busybox:other") } throws: { ($0 as? ImageError)?.code == .notFound }
        #expect { try store.image("nothing") } throws: { ($0 as? ImageError)?.code == .notFound }
        #expect { try store.image("Bad//Name") } throws: { ($0 as? ImageError)?.code == .invalidReference }
        #expect { try store.importRootfs(tarball: tarball, reference: "UPPER:case") } throws: {
            ($0 as? ImageError)?.code == .invalidReference
        }
    }

    @Test func layerDirectoryHoldsTheRootfs() throws {
        let directory = try TestDirectory()
        defer { directory.remove() }
        let tarball = directory.path + "/busybox.tar"
        let busybox = try BusyboxRootfs.write(to: tarball)
        let store = try ImageStore(root: directory.path + "/images")
        let image = try store.importRootfs(tarball: tarball, reference: "busybox:1.36")

        let layers = try store.layerDirectories(of: image)
        #expect(layers.count == 1)
        let hex = String(image.diffIDs[0].dropFirst(7))
        #expect(layers[0] == directory.path + "/images/snapshots/\(hex)/rootfs")
        #expect(try Files.read(layers[0] + "/bin/busybox") == busybox)
        #expect((Files.lstatInfo(layers[0] + "/bin/busybox")?.st_mode ?? 0) & 0o7777 == 0o755)
        #expect(Files.readLink(layers[0] + "/bin/sh") == "busybox")
        #expect((Files.lstatInfo(layers[0] + "/tmp")?.st_mode ?? 0) & 0o7777 == 0o1777)
        #expect(Files.lstatInfo(layers[0] + "/etc/hostname")?.st_mtim.tv_sec == 1_700_000_000)

        // A snapshot that disappeared is unpacked again from its blob.
        TestDirectory.removeTree(directory.path + "/images/snapshots/\(hex)")
        #expect(try store.layerDirectories(of: image) == layers)
        #expect(try Files.read(layers[0] + "/bin/busybox") == busybox)
    }

    @Test func everyBlobVerifiesAndDocumentsParse() throws {
        let directory = try TestDirectory()
        defer { directory.remove() }
        let tarball = directory.path + "/busybox.tar.gz"
        _ = try BusyboxRootfs.write(to: tarball)
        let root = directory.path + "/images"
        let store = try ImageStore(root: root)
        let config = ImageConfig(
            env: ["PATH=/bin"], cmd: ["sh"], workingDir: "/", exposedPorts: ["8080/tcp"],
            volumes: ["/data"], labels: ["org.example": "yes"], stopSignal: "SIGINT",
            healthcheck: ImageHealthcheck(test: ["CMD", "true"], interval: 1_000_000_000, retries: 3))
        let image = try store.importRootfs(
            tarball: tarball, reference: "example.com/team/app:v1.0", config: config, createdBy: "test")
        #expect(image.config == config)

        let blobNames = TestDirectory.names(in: root + "/blobs/sha256")
        #expect(blobNames.count == 3)
        for name in blobNames {
            #expect(try Files.sha256(root + "/blobs/sha256/" + name) == "sha256:" + name)
        }
        #expect(
            String(decoding: try Files.read(root + "/oci-layout"), as: UTF8.self).contains(
                "\"imageLayoutVersion\":\"1.0.0\""))

        let index = try JSONSerialization.jsonObject(with: Data(try Files.read(root + "/index.json"))) as! [String: Any]
        #expect(index["schemaVersion"] as? Int == 2)
        let manifests = index["manifests"] as! [[String: Any]]
        #expect(manifests.count == 1)
        #expect(
            (manifests[0]["annotations"] as? [String: String])?["org.opencontainers.image.ref.name"]
                == "example.com/team/app:v1.0")
        #expect(manifests[0]["mediaType"] as? String == "application/vnd.oci.image.manifest.v1+json")
        #expect(manifests[0]["digest"] as? String == image.manifestDigest)

        let manifest = try json(root, image.manifestDigest)
        #expect(manifest["schemaVersion"] as? Int == 2)
        let configDescriptor = manifest["config"] as! [String: Any]
        #expect(configDescriptor["digest"] as? String == image.id)
        #expect(configDescriptor["mediaType"] as? String == "application/vnd.oci.image.config.v1+json")
        let layers = manifest["layers"] as! [[String: Any]]
        #expect(layers.count == 1)
        #expect(layers[0]["mediaType"] as? String == "application/vnd.oci.image.layer.v1.tar+gzip")
        let layerDigest = layers[0]["digest"] as! String
        let layerPath = root + "/blobs/sha256/" + layerDigest.dropFirst(7)
        #expect(layers[0]["size"] as? Int == Int(Files.lstatInfo(layerPath)!.st_size))

        let configuration = try json(root, image.id)
        #expect(configuration["architecture"] as? String == "amd64")
        #expect(configuration["os"] as? String == "linux")
        let rootfs = configuration["rootfs"] as! [String: Any]
        #expect(rootfs["type"] as? String == "layers")
        let diffIDs = rootfs["diff_ids"] as! [String]
        #expect(diffIDs == image.diffIDs)
        // The diff id is the digest of the uncompressed tar, the layer digest that of the gzip.
        #expect(try Files.sha256(layerPath) == layerDigest)
        #expect(TestImageArchive.sha256(try TestTarball.decompress(layerPath)) == diffIDs[0])
        #expect(layerDigest != diffIDs[0])
        let history = configuration["history"] as! [[String: Any]]
        #expect(history.count == 1 && history[0]["created_by"] as? String == "test" && history[0]["created"] is String)
        let runtimeConfig = configuration["config"] as! [String: Any]
        #expect(runtimeConfig["Env"] as? [String] == ["PATH=/bin"])
        #expect(runtimeConfig["Cmd"] as? [String] == ["sh"])
        #expect((runtimeConfig["ExposedPorts"] as? [String: Any])?.keys.sorted() == ["8080/tcp"])
        #expect((runtimeConfig["Volumes"] as? [String: Any])?.keys.sorted() == ["/data"])
        #expect(runtimeConfig["StopSignal"] as? String == "SIGINT")
        #expect((runtimeConfig["Healthcheck"] as? [String: Any])?["Test"] as? [String] == ["CMD", "true"])
    }

    @Test func reimportReusesTheSnapshotAndRemovalCollectsOnlyUnusedContent() throws {
        let directory = try TestDirectory()
        defer { directory.remove() }
        let tarball = directory.path + "/busybox.tar.gz"
        _ = try BusyboxRootfs.write(to: tarball)
        let root = directory.path + "/images"
        let store = try ImageStore(root: root)

        let first = try store.importRootfs(tarball: tarball, reference: "first")
        let snapshot = root + "/snapshots/" + first.diffIDs[0].dropFirst(7)
        let inode = Files.lstatInfo(snapshot)?.st_ino
        let second = try store.importRootfs(
            tarball: tarball, reference: "second:v2", config: ImageConfig(labels: ["which": "second"]))
        #expect(second.id != first.id)
        #expect(second.diffIDs == first.diffIDs)
        #expect(Files.lstatInfo(snapshot)?.st_ino == inode)
        #expect(TestDirectory.names(in: root + "/snapshots").count == 1)
        #expect(TestDirectory.names(in: root + "/blobs/sha256").count == 5)
        #expect(try store.list().count == 2)

        try store.remove("first")
        #expect { try store.image("first") } throws: { ($0 as? ImageError)?.code == .notFound }
        #expect(Files.exists(snapshot))
        let layerBlob = try store.layerBlobPath(of: second)
        #expect(Files.exists(layerBlob))
        #expect(!Files.exists(root + "/blobs/sha256/" + first.id.dropFirst(7)))

        for image in try store.list() { try store.remove(image.id) }
        #expect(try store.list().isEmpty)
        #expect(!Files.exists(snapshot))
        #expect(TestDirectory.names(in: root + "/blobs/sha256").isEmpty)
        #expect(TestDirectory.names(in: root + "/tmp").isEmpty)
    }

    @Test func movingATagLeavesTheOldImageDanglingUntilRemovedById() throws {
        let directory = try TestDirectory()
        defer { directory.remove() }
        let tarball = directory.path + "/busybox.tar.gz"
        _ = try BusyboxRootfs.write(to: tarball)
        let store = try ImageStore(root: directory.path + "/images")
        let old = try store.importRootfs(tarball: tarball, reference: "app", config: ImageConfig(cmd: ["old"]))
        let new = try store.importRootfs(tarball: tarball, reference: "app", config: ImageConfig(cmd: ["new"]))
        #expect(try store.image("app") == new)
        let dangling = try store.image(old.id)
        #expect(dangling.references.isEmpty)
        try store.remove(String(old.id.dropFirst(7).prefix(10)))
        #expect(try store.list() == [new])
        #expect(
            Files.exists(directory.path + "/images/snapshots/" + new.diffIDs[0].dropFirst(7) + "/rootfs/bin/busybox"))
    }

    @Test func garbageCollectionKeepsWhatImagesUseAndDropsOrphans() throws {
        let directory = try TestDirectory()
        defer { directory.remove() }
        let tarball = directory.path + "/busybox.tar.gz"
        _ = try BusyboxRootfs.write(to: tarball)
        let root = directory.path + "/images"
        let store = try ImageStore(root: root)
        let image = try store.importRootfs(tarball: tarball, reference: "kept")
        // What an import that crashed between writing content and tagging it leaves behind.
        let orphan = String(repeating: "ab", count: 32)
        try Files.write(root + "/blobs/sha256/" + orphan, "orphan")
        mkdir(root + "/snapshots/" + orphan, 0o700)
        mkdir(root + "/snapshots/" + orphan + "/rootfs", 0o755)

        let collected = try store.collectGarbage()
        #expect(collected.blobs == 1 && collected.snapshots == 1)
        #expect(!Files.exists(root + "/blobs/sha256/" + orphan))
        #expect(!Files.exists(root + "/snapshots/" + orphan))
        #expect(try store.image("kept") == image)
        #expect(
            try Files.read(try store.layerDirectories(of: image)[0] + "/bin/busybox")
                == (try Files.read("/bin/busybox")))
        #expect(try store.collectGarbage() == (0, 0))
    }

    @Test func openingTheStoreRemovesLeftoversOfCrashedWritesOnly() throws {
        let directory = try TestDirectory()
        defer { directory.remove() }
        let root = directory.path + "/images"
        let store = try ImageStore(root: root)
        // A crashed import: a half-written directory and file nobody holds.
        mkdir(root + "/tmp/import-crashed", 0o700)
        try Files.write(root + "/tmp/import-crashed/layer.tar.gz", "partial")
        try Files.write(root + "/tmp/blob-crashed", "partial")
        // A live write of this process holds its lock.
        let live = try store.temporary.makeDirectory(purpose: "import")
        _ = try ImageStore(root: root)
        #expect(TestDirectory.names(in: root + "/tmp") == [String(live.path.split(separator: "/").last!)])
        live.discard()
        #expect(try store.list().isEmpty)
    }
}

private func json(_ root: String, _ digest: String) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(try Files.read(root + "/blobs/sha256/" + digest.dropFirst(7))))
        as! [String: Any]
}

enum SHA256Hex {
    static func of(_ bytes: [UInt8]) -> String {
        Digest.SHA256.hex(bytes)
    }
}

extension ImageStore {
    /// The blob path of an image's only layer, for tests.
    func layerBlobPath(of image: Image) throws -> String {
        let manifest = try blobs.readJSON(OCIManifest.self, image.manifestDigest)
        return try blobs.path(of: manifest.layers[0].digest)
    }
}

@Suite("Sharing a store")
struct ConcurrencyTests {
    @Test func parallelImportsIntoOneStoreAllLand() throws {
        let directory = try TestDirectory("parallel")
        defer { directory.remove() }
        let tarball = directory.path + "/busybox.tar.gz"
        _ = try BusyboxRootfs.write(to: tarball)
        let root = directory.path + "/images"
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            do {
                // Each worker opens its own store, as separate CLI processes would.
                let store = try ImageStore(root: root)
                _ = try store.importRootfs(
                    tarball: tarball, reference: "parallel:\(worker)", config: ImageConfig(cmd: ["\(worker)"]))
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 } == [])
        let store = try ImageStore(root: root)
        let images = try store.list()
        #expect(Set(images.flatMap(\.references)) == Set((0..<4).map { "parallel:\($0)" }))
        #expect(TestDirectory.names(in: root + "/snapshots").count == 1)
        #expect(TestDirectory.names(in: root + "/tmp").isEmpty)
    }

    /// The layer an import writes in the same pass as it unpacks: gzip (several members) or
    /// plain, its digests those of its bytes, and unpacked again it gives the same tree.
    @Test(arguments: [true, false]) func layerWrittenWhileUnpackingMatchesTheSnapshot(compress: Bool) throws {
        let directory = try TestDirectory("one-pass")
        defer { directory.remove() }
        let big = (0..<(9 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
        let tarball = directory.path + "/rootfs.tar"
        try TestTarball.write(
            [
                TestEntry(name: "/bin/big", kind: .file(big), mode: 0o755, mtime: 1_600_000_000),
                .hardlink("./bin/big-again", to: "/bin/big"),
                .symlink("bin/sh", to: "/bin/big"),
                TestEntry(name: "etc/", kind: .directory, mode: 0o750, uid: 7, gid: 8, mtime: 1_500_000_000),
                .file("etc/hosts", "127.0.0.1 localhost\n"),
                .file("etc/.wh.gone"),
                TestEntry(name: "dev/null", kind: .characterDevice(major: 1, minor: 3)),
                TestEntry(name: "old/removed", kind: .characterDevice(major: 0, minor: 0)),
            ], to: tarball, gzip: false)
        let snapshot = directory.path + "/snapshot"
        mkdir(snapshot, 0o755)
        var limits = ExtractionLimits.default
        limits.deviceNodes = .skip
        var options = LayerWriter.Options(clampModificationTime: 1_550_000_000, compress: compress)
        options.sync = false
        let layerPath = directory.path + "/layer"
        let blob = try LayerArchive.extract(
            tarball: tarball, into: snapshot, limits: limits, writingLayer: layerPath, options: options)

        #expect(blob.isCompressed == compress)
        #expect(try Files.sha256(layerPath) == blob.digest)
        #expect(Int64(Files.lstatInfo(layerPath)!.st_size) == blob.size)
        let tar = compress ? try TestTarball.decompress(layerPath) : try Files.read(layerPath)
        #expect(TestImageArchive.sha256(tar) == blob.diffID)
        #expect(Int64(tar.count) == blob.uncompressedSize)
        if compress {
            #expect(blob.digest != blob.diffID)
            #expect(blob.size < blob.uncompressedSize)
        }
        // Names made relative, the whiteout device as its OCI marker, the device node left out.
        #expect(
            try TestTarball.entryNames(of: layerPath) == [
                "bin/big", "bin/big-again", "bin/sh", "etc/", "etc/hosts", "etc/.wh.gone", "old/.wh.removed",
            ])

        let again = directory.path + "/again"
        mkdir(again, 0o755)
        try LayerArchive.extract(tarball: layerPath, into: again)
        #expect(try Files.read(again + "/bin/big") == big)
        let first = try #require(Files.lstatInfo(again + "/bin/big"))
        #expect(first.st_ino == Files.lstatInfo(again + "/bin/big-again")?.st_ino)
        #expect(first.st_mode & 0o7777 == 0o755)
        // Modification times are clamped in the layer, as a layer written from a tree clamps them.
        #expect(first.st_mtim.tv_sec == 1_550_000_000)
        #expect(Files.readLink(again + "/bin/sh") == "/bin/big")
        let etc = try #require(Files.lstatInfo(again + "/etc"))
        #expect(etc.st_mode & 0o7777 == 0o750 && etc.st_uid == 7 && etc.st_gid == 8)
        #expect(etc.st_mtim.tv_sec == 1_500_000_000)
        #expect(try Files.read(again + "/etc/hosts") == Array("127.0.0.1 localhost\n".utf8))
        #expect(!Files.exists(again + "/dev/null") && !Files.exists(snapshot + "/dev/null"))
        for tree in [snapshot, again] {
            for whiteout in ["/etc/gone", "/old/removed"] {
                let info = try #require(Files.lstatInfo(tree + whiteout))
                #expect(info.st_mode & S_IFMT == S_IFCHR && info.st_rdev == 0)
            }
        }
    }

    @Test func relativeRootBecomesAbsolute() throws {
        let directory = try TestDirectory("relative")
        defer { directory.remove() }
        var buffer = [CChar](repeating: 0, count: 4096)
        let cwd = String(cString: getcwd(&buffer, buffer.count)!)
        let upToRoot = String(repeating: "../", count: cwd.split(separator: "/").count)
        let relative = upToRoot + directory.path.dropFirst() + "/images/"
        let store = try ImageStore(root: relative)
        #expect(store.root == cwd + "/" + relative.dropLast())
        #expect(Files.exists(directory.path + "/images/index.json"))
    }
}
