import CArchive
import Glibc
import Images
import Testing

@Suite("Layer metadata, whiteouts and reproducibility")
struct LayerRoundTripTests {
    @Test func whiteoutsBecomeOverlayWhiteoutsAndBack() throws {
        let directory = try TestDirectory("whiteout")
        defer { directory.remove() }
        let tarball = directory.path + "/upper.tar.gz"
        try TestTarball.write(
            [
                .file(".wh.foo"),
                .directory("dir/"),
                .file("dir/.wh..wh..opq"),
                .file("dir/kept", "new"),
            ], to: tarball)
        let layer = directory.path + "/layer"
        mkdir(layer, 0o755)
        try LayerArchive.extract(tarball: tarball, into: layer)

        let whiteout = try #require(Files.lstatInfo(layer + "/foo"))
        #expect(whiteout.st_mode & S_IFMT == S_IFCHR)
        #expect(whiteout.st_rdev == 0)
        #expect(!Files.exists(layer + "/.wh.foo"))
        var value = [UInt8](repeating: 0, count: 8)
        let length = lgetxattr(layer + "/dir", "trusted.overlay.opaque", &value, value.count)
        #expect(length == 1 && value[0] == UInt8(ascii: "y"))
        #expect(!Files.exists(layer + "/dir/.wh..wh..opq"))

        let output = directory.path + "/roundtrip.tar.gz"
        _ = try LayerArchive.create(from: layer, to: output)
        let names = try TestTarball.entryNames(of: output)
        #expect(names.contains(".wh.foo"))
        #expect(names.contains("dir/.wh..wh..opq"))
        #expect(names.contains("dir/kept"))
        #expect(!names.contains("foo"))
    }

    @Test func metadataSurvivesExtractionAndCreation() throws {
        let directory = try TestDirectory("metadata")
        defer { directory.remove() }
        // security.capability v2: cap_net_bind_service (bit 10) permitted and effective.
        let capability: [UInt8] = [0x01, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00] + [UInt8](repeating: 0, count: 12)
        let tarball = directory.path + "/meta.tar.gz"
        try TestTarball.write(
            [
                .directory("bin/"),
                TestEntry(
                    name: "bin/ping", kind: .file(Array("ping".utf8)), mode: 0o4755, uid: 0, gid: 0,
                    mtime: 1_600_000_000,
                    xattrs: [("security.capability", capability)]),
                TestEntry(
                    name: "home/user/file", kind: .file(Array("data".utf8)), mode: 0o640, uid: 1000, gid: 1001,
                    mtime: 1_500_000_000,
                    xattrs: [("user.comment", Array("hello".utf8))]),
                .hardlink("home/user/link", to: "home/user/file"),
                TestEntry(
                    name: "home/user/", kind: .directory, mode: 0o700, uid: 1000, gid: 1000, mtime: 1_400_000_000),
            ], to: tarball)
        let layer = directory.path + "/layer"
        mkdir(layer, 0o755)
        try LayerArchive.extract(tarball: tarball, into: layer)
        try checkMetadata(layer, capability: capability)

        // Writing the tree and extracting it again keeps all of it; writing twice gives the same blob.
        let first = try LayerArchive.create(from: layer, to: directory.path + "/one.tar.gz")
        let second = try LayerArchive.create(from: layer, to: directory.path + "/two.tar.gz")
        #expect(first.digest == second.digest && first.diffID == second.diffID && first.size == second.size)
        #expect(try Files.sha256(directory.path + "/one.tar.gz") == first.digest)
        #expect("sha256:" + SHA256Hex.of(try TestTarball.decompress(directory.path + "/one.tar.gz")) == first.diffID)
        let again = directory.path + "/again"
        mkdir(again, 0o755)
        try LayerArchive.extract(tarball: directory.path + "/one.tar.gz", into: again)
        try checkMetadata(again, capability: capability)
    }

    private func checkMetadata(_ layer: String, capability: [UInt8]) throws {
        let ping = try #require(Files.lstatInfo(layer + "/bin/ping"))
        #expect(ping.st_mode & 0o7777 == 0o4755)
        #expect(ping.st_mtim.tv_sec == 1_600_000_000)
        var value = [UInt8](repeating: 0, count: 64)
        let length = lgetxattr(layer + "/bin/ping", "security.capability", &value, value.count)
        #expect(length == capability.count && Array(value.prefix(max(length, 0))) == capability)

        let file = try #require(Files.lstatInfo(layer + "/home/user/file"))
        #expect(file.st_uid == 1000 && file.st_gid == 1001 && file.st_mode & 0o7777 == 0o640)
        #expect(file.st_mtim.tv_sec == 1_500_000_000)
        let comment = lgetxattr(layer + "/home/user/file", "user.comment", &value, value.count)
        #expect(comment == 5 && String(decoding: value.prefix(5), as: UTF8.self) == "hello")
        let link = try #require(Files.lstatInfo(layer + "/home/user/link"))
        #expect(link.st_ino == file.st_ino && file.st_nlink == 2)

        let home = try #require(Files.lstatInfo(layer + "/home/user"))
        #expect(home.st_mode & 0o7777 == 0o700 && home.st_uid == 1000)
        #expect(home.st_mtim.tv_sec == 1_400_000_000)
        // A parent the archive never described is created reproducibly.
        #expect(Files.lstatInfo(layer + "/home")?.st_mtim.tv_sec == 0)
    }
}
