import Testing

@testable import Images

@Suite("Tags, removal and pruning")
struct RemovalTests {
    @Test func tagsAndRemovalRespectImagesInUse() throws {
        let directory = try TestDirectory("remove")
        defer { directory.remove() }
        let tarball = directory.path + "/busybox.tar.gz"
        _ = try BusyboxRootfs.write(to: tarball)
        let root = directory.path + "/images"
        let store = try ImageStore(root: root)
        let image = try store.importRootfs(tarball: tarball, reference: "app:1")
        #expect(try store.tag("app:1", as: "app:stable").references == ["app:1", "app:stable"])
        #expect(
            try store.tag(image.shortID, as: "mirror/app").references == ["app:1", "app:stable", "mirror/app:latest"])
        #expect { try store.tag("missing", as: "x") } throws: { ($0 as? ImageError)?.code == .notFound }
        #expect { try store.tag("app:1", as: "Bad Name") } throws: { ($0 as? ImageError)?.code == .invalidReference }

        // By id with several tags: needs force.
        #expect { try store.remove(image.id) } throws: { ($0 as? ImageError)?.code == .conflict }
        // One tag of several: just untagged, even in use.
        #expect(try store.remove("app:stable", inUse: [image.id]) == ImageRemoval(untagged: ["app:stable"]))
        #expect(try store.remove("mirror/app") == ImageRemoval(untagged: ["mirror/app:latest"]))
        // The last tag of an image a container uses.
        #expect { try store.remove("app:1", inUse: [image.id]) } throws: { error in
            (error as? ImageError)?.code == .conflict && "\(error)".contains("a container uses it")
        }
        #expect(try store.summaries() == store.list().map(ImageSummary.init))
        let forced = try store.remove("app:1", force: true, inUse: [image.id])
        #expect(forced == ImageRemoval(untagged: ["app:1"]))
        #expect(try store.summaries() == store.list().map(ImageSummary.init))
        let dangling = try store.image(image.id)
        #expect(dangling.references.isEmpty)
        let layers = try store.layerDirectories(of: dangling)
        // A container's lower directories name its image even without a tag.
        #expect(try store.imageIDs(withTopLayerDirectoryIn: [layers[0]]) == [image.id])
        #expect(try store.imageIDs(withTopLayerDirectoryIn: ["/elsewhere/rootfs"]).isEmpty)
        #expect(Files.exists(layers[0] + "/bin/busybox"))

        // Prune keeps what is in use, then takes it when the container is gone.
        #expect(try store.prune(inUse: [image.id]) == ImageRemoval())
        let pruned = try store.prune()
        #expect(pruned.deleted == [image.id] && pruned.reclaimedBytes > 0)
        #expect(!Files.exists(layers[0]))
        #expect(TestDirectory.names(in: root + "/blobs/sha256").isEmpty)
    }

    @Test func pruneAllRemovesUnusedTaggedImagesAndKeepsSharedLayers() throws {
        let directory = try TestDirectory("prune")
        defer { directory.remove() }
        let tarball = directory.path + "/busybox.tar.gz"
        _ = try BusyboxRootfs.write(to: tarball)
        let store = try ImageStore(root: directory.path + "/images")
        let used = try store.importRootfs(tarball: tarball, reference: "used", config: ImageConfig(cmd: ["used"]))
        let unused = try store.importRootfs(tarball: tarball, reference: "unused", config: ImageConfig(cmd: ["unused"]))
        let old = try store.importRootfs(tarball: tarball, reference: "moving", config: ImageConfig(cmd: ["old"]))
        _ = try store.importRootfs(tarball: tarball, reference: "moving", config: ImageConfig(cmd: ["new"]))

        #expect(try store.summaries() == store.list().map(ImageSummary.init))
        #expect(try store.summaries().count == 4)
        let dangling = try store.prune(inUse: [used.id])
        #expect(dangling.deleted == [old.id] && dangling.untagged.isEmpty)
        let all = try store.prune(all: true, inUse: [used.id])
        #expect(all.untagged == ["moving:latest", "unused:latest"])
        #expect(all.deleted.contains(unused.id) && all.deleted.count == 2)
        #expect(try store.list().map(\.id) == [used.id])
        // The layer all of them shared stays with the image in use.
        #expect(Files.exists(try store.layerDirectories(of: used)[0] + "/bin/busybox"))
    }
}
