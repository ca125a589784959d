import CArchive
import Foundation
import Glibc
import Testing

@testable import Images

@Suite("Committing layers on top of images")
struct CommitTests {
    @Test func whiteoutsAndOpaqueDirectoriesHideLowerLayersAcrossThreeLayers() throws {
        let directory = try TestDirectory("commit")
        defer { directory.remove() }
        let store = try ImageStore(root: directory.path + "/images")
        let base = try Tree(directory.path + "/base")
        try base.file("a/keep", "keep")
        try base.file("a/gone", "gone")
        try base.file("d/old1", "1")
        try base.file("d/old2", "2")
        try base.file("f", "f")
        let first = try store.commit(
            base: nil, layerFrom: base.path, config: ImageConfig(cmd: ["sh"]),
            history: HistoryEntry(createdBy: "COPY base /"), reference: nil)
        #expect(first.references.isEmpty && first.diffIDs.count == 1)

        let upper2 = try Tree(directory.path + "/upper2")
        try upper2.file("a/new", "new")
        try upper2.file("d/fresh", "fresh")
        try upper2.opaque("d")
        try upper2.whiteout("f")
        let second = try store.commit(
            base: first, layerFrom: upper2.path, config: first.config,
            history: HistoryEntry(createdBy: "RUN step 2"), reference: "three:2")

        let upper3 = try Tree(directory.path + "/upper3")
        try upper3.whiteout("a/new")
        try upper3.whiteout("a/gone")
        let third = try store.commit(
            base: second, layerFrom: upper3.path, config: first.config,
            history: HistoryEntry(createdBy: "RUN step 3"), reference: "three")
        #expect(third.diffIDs.count == 3 && Array(third.diffIDs.prefix(2)) == second.diffIDs)

        // The layer blobs carry OCI whiteouts.
        let manifest = try store.blobs.readJSON(OCIManifest.self, third.manifestDigest)
        let names2 = try TestTarball.entryNames(of: try store.blobs.path(of: manifest.layers[1].digest))
        #expect(names2.contains(".wh.f") && names2.contains("d/.wh..wh..opq") && names2.contains("a/new"))
        let names3 = try TestTarball.entryNames(of: try store.blobs.path(of: manifest.layers[2].digest))
        #expect(Set(names3.filter { $0.contains(".wh.") }) == ["a/.wh.gone", "a/.wh.new"])

        // What a container sees: the snapshots stacked by overlayfs.
        let merged = directory.path + "/merged"
        mkdir(merged, 0o755)
        let lower = try store.layerDirectories(of: third).reversed().joined(separator: ":")
        guard mount("overlay", merged, "overlay", UInt(MS_RDONLY), "lowerdir=" + lower) == 0 else {
            Issue.record("mount overlay: \(String(cString: strerror(errno)))")
            return
        }
        defer { umount2(merged, Int32(MNT_DETACH)) }
        #expect(TestDirectory.names(in: merged + "/a") == ["keep"])
        #expect(TestDirectory.names(in: merged + "/d") == ["fresh"])
        #expect(!Files.exists(merged + "/f"))
        #expect(try Files.read(merged + "/a/keep") == Array("keep".utf8))

        let history = try store.history(of: third)
        #expect(history.map(\.createdBy) == ["RUN step 3", "RUN step 2", "COPY base /"])
        #expect(history[0].imageID == third.id && history[1].imageID == nil)
        #expect(history.allSatisfy { $0.size > 0 && $0.created != nil })
    }

    @Test func sharedLayersAreStoredOnceAndConfigOnlyStepsAddNoLayer() throws {
        let directory = try TestDirectory("shared")
        defer { directory.remove() }
        let root = directory.path + "/images"
        let store = try ImageStore(root: root)
        let tarball = directory.path + "/busybox.tar.gz"
        _ = try BusyboxRootfs.write(to: tarball)
        let base = try store.importRootfs(tarball: tarball, reference: "busybox")
        let left = try Tree(directory.path + "/left")
        try left.file("etc/motd", "left")
        let right = try Tree(directory.path + "/right")
        try right.file("etc/motd", "right")
        let one = try store.commit(
            base: base, layerFrom: left.path, config: base.config,
            history: HistoryEntry(createdBy: "left"), reference: "one")
        let two = try store.commit(
            base: base, layerFrom: right.path, config: base.config,
            history: HistoryEntry(createdBy: "right"), reference: "two")
        let again = try store.commit(
            base: base, layerFrom: left.path, config: ImageConfig(cmd: ["other"]),
            history: HistoryEntry(createdBy: "left"), reference: "again")
        #expect(one.diffIDs[0] == two.diffIDs[0] && again.diffIDs == one.diffIDs)
        // busybox, busybox+left, busybox+right.
        #expect(TestDirectory.names(in: root + "/snapshots").count == 3)
        let layerBlobs = Set(
            [base, one, two, again].flatMap { image in
                (try? store.blobs.readJSON(OCIManifest.self, image.manifestDigest).layers.map(\.digest)) ?? []
            })
        #expect(layerBlobs.count == 3)
        // 3 layers + 4 configs + 4 manifests.
        #expect(TestDirectory.names(in: root + "/blobs/sha256").count == 11)

        let configured = try store.commit(
            base: one, config: try one.config.applying(changes: ["ENV MODE=prod"]),
            emptyLayerHistory: HistoryEntry(createdBy: "ENV MODE=prod"), reference: "one:prod")
        #expect(configured.diffIDs == one.diffIDs && configured.config.env == ["MODE=prod"])
        let steps = try store.history(of: configured)
        #expect(steps.map(\.createdBy) == ["ENV MODE=prod", "left", "swiftstack image import"])
        #expect(steps[0].size == 0 && steps[0].diffID == nil)
        let configuration = try store.blobs.readJSON(OCIImageConfiguration.self, configured.id)
        #expect(configuration.history?.first?.emptyLayer == nil && configuration.history?.last?.emptyLayer == true)
    }

    @Test func largeLayersAreGzippedInMembersThatReadBackWhole() throws {
        let directory = try TestDirectory("members")
        defer { directory.remove() }
        let tree = try Tree(directory.path + "/tree")
        let contents = PseudoRandom.bytes(11 << 20)
        try tree.file("data/big.bin", bytes: contents)
        try tree.file("data/small", "small")
        let root = directory.path + "/images"
        let store = try ImageStore(root: root)
        let image = try store.commit(
            base: nil, layerFrom: tree.path, config: ImageConfig(),
            history: HistoryEntry(createdBy: "COPY data /data"), reference: "big")
        let manifest = try store.blobs.readJSON(OCIManifest.self, image.manifestDigest)
        let blob = try store.blobs.path(of: manifest.layers[0].digest)
        let tar = try TestTarball.decompress(blob)
        #expect(tar.count > 2 * ParallelGzip.chunkSize)
        #expect("sha256:" + SHA256Hex.of(tar) == image.diffIDs[0])
        // Unpacked again from the blob alone.
        TestDirectory.removeTree(root + "/snapshots")
        mkdir(root + "/snapshots", 0o700)
        let layer = try store.layerDirectories(of: image)[0]
        #expect(try Files.read(layer + "/data/big.bin") == contents)
        #expect(try Files.read(layer + "/data/small") == Array("small".utf8))
    }

    @Test func sameInputsGiveSameDigestsWithSourceDateEpoch() throws {
        let directory = try TestDirectory("reproducible")
        defer { directory.remove() }
        let tree = try Tree(directory.path + "/tree")
        try tree.file("app/main", "binary")
        try tree.file("etc/config", "x=1")
        var ids = [String]()
        var manifests = [String]()
        for run in 0..<2 {
            // Touch the files between runs: only the clamp makes the layers equal.
            try tree.file("app/main", "binary")
            var store = try ImageStore(root: directory.path + "/images\(run)")
            store.sourceDateEpoch = 1_700_000_000
            let image = try store.commit(
                base: nil, layerFrom: tree.path, config: ImageConfig(cmd: ["/app/main"]),
                history: HistoryEntry(createdBy: "COPY . /"), reference: "app")
            #expect(image.created == "2023-11-14T22:13:20Z")
            ids.append(image.id)
            manifests.append(image.manifestDigest)
            sleep(1)
        }
        #expect(ids[0] == ids[1] && manifests[0] == manifests[1])
    }

    @Test func importFromADirectoryWithChanges() throws {
        let directory = try TestDirectory("import-dir")
        defer { directory.remove() }
        let tree = try Tree(directory.path + "/rootfs")
        try tree.file("bin/tool", "#!/bin/sh\n", mode: 0o755)
        try tree.file("etc/hostname", "box\n")
        symlink("tool", tree.path + "/bin/alias")
        mknod(tree.path + "/null", S_IFCHR | 0o666, dev_t((1 << 8) | 3))
        let store = try ImageStore(root: directory.path + "/images")
        let config = try ImageConfig().applying(changes: [#"ENTRYPOINT ["/bin/tool"]"#, "CMD [\"run\"]", "EXPOSE 8080"])
        let image = try store.importRootfs(
            directory: tree.path, reference: "tool:1", config: config, comment: "from a directory")
        #expect(image.config.entrypoint == ["/bin/tool"] && image.config.exposedPorts == ["8080/tcp"])
        let layer = try store.layerDirectories(of: image)[0]
        #expect(try Files.read(layer + "/bin/tool") == Array("#!/bin/sh\n".utf8))
        #expect((Files.lstatInfo(layer + "/bin/tool")?.st_mode ?? 0) & 0o777 == 0o755)
        #expect(Files.readLink(layer + "/bin/alias") == "tool")
        #expect(!Files.exists(layer + "/null"))
        #expect(try store.history(of: image).first?.comment == "from a directory")
        #expect { try store.importRootfs(directory: directory.path + "/missing", reference: "x") } throws: {
            ($0 as? ImageError)?.code == .notFound
        }
    }
}

/// A directory tree a test builds: files, overlay whiteouts and opaque directories.
struct Tree {
    let path: String

    init(_ path: String) throws {
        self.path = path
        guard mkdir(path, 0o755) == 0 else { throw TestFailure("mkdir \(path): \(String(cString: strerror(errno)))") }
    }

    func file(_ relative: String, _ contents: String, mode: mode_t = 0o644) throws {
        try makeParents(relative)
        try Files.write(path + "/" + relative, contents)
        chmod(path + "/" + relative, mode)
    }

    func file(_ relative: String, bytes: [UInt8]) throws {
        try makeParents(relative)
        guard FileManager.default.createFile(atPath: path + "/" + relative, contents: Data(bytes)) else {
            throw TestFailure("create \(relative)")
        }
    }

    func whiteout(_ relative: String) throws {
        try makeParents(relative)
        guard mknod(path + "/" + relative, S_IFCHR, 0) == 0 else { throw TestFailure("mknod \(relative)") }
    }

    func opaque(_ relative: String) throws {
        guard lsetxattr(path + "/" + relative, "trusted.overlay.opaque", "y", 1, 0) == 0 else {
            throw TestFailure("setxattr \(relative): \(String(cString: strerror(errno)))")
        }
    }

    private func makeParents(_ relative: String) throws {
        var current = path
        for component in relative.split(separator: "/").dropLast() {
            current += "/" + component
            if mkdir(current, 0o755) != 0 && errno != EEXIST { throw TestFailure("mkdir \(current)") }
        }
    }
}

/// Bytes that compress poorly, the same on every run (xorshift).
enum PseudoRandom {
    static func bytes(_ count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
        var state = seed
        var out = [UInt8]()
        out.reserveCapacity(count)
        while out.count < count {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            withUnsafeBytes(of: state) { out.append(contentsOf: $0.prefix(count - out.count)) }
        }
        return out
    }
}
