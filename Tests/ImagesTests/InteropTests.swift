import Foundation
import Glibc
import Testing

@testable import Images

/// Peers read what we write and we read what they write. The peers are Debian packages CI
/// installs (`make setup`); each test is skipped, saying so, when its peer is absent.
@Suite("Interoperability with skopeo and umoci")
struct InteropTests {
    static let skopeo = "/usr/bin/skopeo"
    static let umoci = "/usr/bin/umoci"
    static var hasSkopeo: Bool { access(skopeo, X_OK) == 0 }
    static var hasUmoci: Bool { access(umoci, X_OK) == 0 }

    /// busybox, then a layer that adds a file and deletes `etc/hostname`.
    private func image(in directory: TestDirectory) throws -> (ImageStore, Image) {
        let store = try ImageStore(root: directory.path + "/images")
        let tarball = directory.path + "/busybox.tar.gz"
        _ = try BusyboxRootfs.write(to: tarball)
        let base = try store.importRootfs(tarball: tarball, reference: "busybox")
        let upper = try Tree(directory.path + "/upper")
        try upper.file("srv/index.html", "hello\n")
        try upper.whiteout("etc/hostname")
        // Over 4 MiB, so the layer is gzipped as several members.
        try upper.file("srv/blob.bin", bytes: PseudoRandom.bytes(9 << 20))
        let image = try store.commit(
            base: base, layerFrom: upper.path,
            config: try base.config.applying(changes: ["CMD [\"sh\"]", "ENV MODE=test"]),
            history: HistoryEntry(createdBy: "COPY index.html /srv/"), reference: "interop/web:1")
        return (store, image)
    }

    @Test(.enabled(if: hasSkopeo, "skopeo is not installed (apt-get install skopeo)"))
    func skopeoReadsOurOCIAndDockerArchives() throws {
        let directory = try TestDirectory("skopeo")
        defer { directory.remove() }
        let (store, image) = try image(in: directory)
        let manifest = try store.blobs.readJSON(OCIManifest.self, image.manifestDigest)

        let oci = directory.path + "/web.oci.tar"
        try store.save(["interop/web:1"], to: oci, format: .oci)
        let ociInfo = try Peer.json(Self.skopeo, ["inspect", "oci-archive:" + oci])
        #expect(ociInfo["Digest"] as? String == image.manifestDigest)
        #expect(ociInfo["Layers"] as? [String] == manifest.layers.map(\.digest))
        #expect((ociInfo["Env"] as? [String]) == ["MODE=test"])
        let ociConfig = try Peer.json(Self.skopeo, ["inspect", "--config", "oci-archive:" + oci])
        #expect((ociConfig["rootfs"] as? [String: Any])?["diff_ids"] as? [String] == image.diffIDs)

        let docker = directory.path + "/web.docker.tar"
        try store.save(["interop/web:1"], to: docker, format: .docker)
        let dockerInfo = try Peer.json(Self.skopeo, ["inspect", "docker-archive:" + docker])
        // Docker archives carry uncompressed layers: their digests are the diff ids.
        #expect(dockerInfo["Layers"] as? [String] == image.diffIDs)
        #expect(dockerInfo["RepoTags"] as? [String] == [])
    }

    @Test(.enabled(if: hasSkopeo, "skopeo is not installed (apt-get install skopeo)"))
    func weLoadWhatSkopeoWrites() throws {
        let directory = try TestDirectory("skopeo-load")
        defer { directory.remove() }
        let (store, image) = try image(in: directory)
        let oci = directory.path + "/web.oci.tar"
        try store.save(["interop/web:1"], to: oci, format: .oci)
        let theirDocker = directory.path + "/theirs.docker.tar"
        try Peer.run(
            Self.skopeo, ["copy", "-q", "oci-archive:" + oci, "docker-archive:" + theirDocker + ":peer/web:2"])
        let theirOCI = directory.path + "/theirs.oci.tar"
        try Peer.run(Self.skopeo, ["copy", "-q", "oci-archive:" + oci, "oci-archive:" + theirOCI + ":peer/web:3"])

        let target = try ImageStore(root: directory.path + "/target")
        let fromDocker = try target.load(archive: theirDocker)
        #expect(
            fromDocker.map(\.references) == [["peer/web:2"]],
            "skopeo writes docker.io/peer/web:2, Docker shows it short")
        #expect(fromDocker.first?.diffIDs == image.diffIDs)
        let fromOCI = try target.load(archive: theirOCI)
        #expect(fromOCI.first?.references.contains("peer/web:3") == true)
        #expect(fromOCI.first?.diffIDs == image.diffIDs)
        let layers = try target.layerDirectories(of: try target.image("peer/web:3"))
        #expect(try Files.read(layers[1] + "/srv/index.html") == Array("hello\n".utf8))
    }

    @Test(.enabled(if: hasUmoci, "umoci is not installed (apt-get install umoci)"))
    func umociUnpacksOurOCIArchiveCheckingDiffIDs() throws {
        let directory = try TestDirectory("umoci")
        defer { directory.remove() }
        let (store, _) = try image(in: directory)
        let oci = directory.path + "/web.oci.tar"
        try store.save(["interop/web:1"], to: oci, format: .oci)
        let layout = directory.path + "/layout"
        mkdir(layout, 0o755)
        try LayerArchive.extract(tarball: oci, into: layout)
        let bundle = directory.path + "/bundle"
        // ref.name holds the tag alone, as Docker writes it.
        try Peer.run(Self.umoci, ["unpack", "--image", layout + ":1", bundle])
        #expect(try Files.read(bundle + "/rootfs/srv/index.html") == Array("hello\n".utf8))
        #expect(try Files.read(bundle + "/rootfs/srv/blob.bin") == PseudoRandom.bytes(9 << 20))
        #expect(Files.exists(bundle + "/rootfs/bin/busybox"))
        // The whiteout of the second layer removed the first layer's file.
        #expect(!Files.exists(bundle + "/rootfs/etc/hostname"))
        let config =
            try JSONSerialization.jsonObject(with: Data(try Files.read(bundle + "/config.json"))) as? [String: Any]
        let process = config?["process"] as? [String: Any]
        #expect(process?["args"] as? [String] == ["sh"])
    }
}

/// Runs a peer tool (tests only: the peers are other programs).
enum Peer {
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestFailure(
                "\(executable) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(errorText)")
        }
        return Array(data)
    }

    static func json(_ executable: String, _ arguments: [String]) throws -> [String: Any] {
        let bytes = try run(executable, arguments)
        guard let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw TestFailure("\(executable) printed no JSON object")
        }
        return object
    }
}
