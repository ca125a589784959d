import Digest
import Foundation

/// Builds image archives by hand (docker save's layouts and OCI), so tests can also make broken ones.
struct TestImageArchive {
    var entries: [TestEntry] = []

    static func sha256(_ bytes: [UInt8]) -> String { "sha256:" + SHA256.hex(bytes) }

    /// The bytes of a plain tar of `entries`.
    static func layer(_ entries: [TestEntry], in directory: String) throws -> [UInt8] {
        let path = directory + "/layer-\(UUID().uuidString).tar"
        try TestTarball.write(entries, to: path, gzip: false)
        defer { unlink(path) }
        return try Files.read(path)
    }

    static func gzip(_ bytes: [UInt8], in directory: String) throws -> [UInt8] {
        let path = directory + "/gz-\(UUID().uuidString).gz"
        defer { unlink(path) }
        try TestTarball.gzip(bytes, to: path)
        return try Files.read(path)
    }

    static func config(diffIDs: [String], cmd: [String] = ["sh"]) -> [UInt8] {
        let object: [String: Any] = [
            "architecture": "amd64", "os": "linux", "created": "2024-01-01T00:00:00Z",
            "config": ["Cmd": cmd],
            "rootfs": ["type": "layers", "diff_ids": diffIDs],
            "history": diffIDs.map { _ in ["created": "2024-01-01T00:00:00Z", "created_by": "test"] },
        ]
        return Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    static func json(_ object: Any) -> [UInt8] {
        Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
    }

    mutating func file(_ name: String, _ bytes: [UInt8]) {
        entries.append(TestEntry(name: name, kind: .file(bytes)))
    }

    mutating func blob(_ bytes: [UInt8]) -> String {
        let digest = Self.sha256(bytes)
        file("blobs/sha256/" + digest.dropFirst(7), bytes)
        return digest
    }

    func write(to path: String) throws {
        try TestTarball.write(entries, to: path, gzip: false)
    }

    /// An OCI archive of one image with `layers` (bytes as stored) and their diff ids.
    static func oci(
        layers: [(bytes: [UInt8], diffID: String, mediaType: String)], name: String? = "test/oci:1",
        configDiffIDs: [String]? = nil
    ) -> (archive: TestImageArchive, manifest: String, config: String) {
        var archive = TestImageArchive()
        archive.file("oci-layout", Array(#"{"imageLayoutVersion":"1.0.0"}"#.utf8))
        var layerDescriptors = [[String: Any]]()
        for layer in layers {
            let digest = archive.blob(layer.bytes)
            layerDescriptors.append(["mediaType": layer.mediaType, "digest": digest, "size": layer.bytes.count])
        }
        let config = Self.config(diffIDs: configDiffIDs ?? layers.map(\.diffID))
        let configDigest = archive.blob(config)
        let manifest = json([
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": [
                "mediaType": "application/vnd.oci.image.config.v1+json", "digest": configDigest, "size": config.count,
            ],
            "layers": layerDescriptors,
        ])
        let manifestDigest = archive.blob(manifest)
        var descriptor: [String: Any] = [
            "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": manifestDigest, "size": manifest.count,
        ]
        if let name { descriptor["annotations"] = ["org.opencontainers.image.ref.name": name] }
        archive.file("index.json", json(["schemaVersion": 2, "manifests": [descriptor]]))
        return (archive, manifestDigest, configDigest)
    }
}
