import Digest
import Foundation
import Glibc

/// The step cache: a key (parent image, instruction after expansion, inputs) maps to the image
/// id the step produced. One small file per key under `<stateRoot>/builder/cache/`, written to
/// a temp file and renamed, so concurrent builds and crashes never leave a torn entry; entries
/// whose image has been removed are simply misses.
struct BuildCache: Sendable {
    let directory: String

    init(stateRoot: String) {
        directory = stateRoot + "/builder/cache"
    }

    /// The key of a step: every part separated so no two different lists collide.
    static func key(_ parts: [String]) -> String {
        var hash = SHA256()
        hash.update("swiftstack.build-cache/v1")
        for part in parts {
            hash.update("\u{0}\(part.utf8.count)\u{0}")
            hash.update(part)
        }
        return SHA256.hexString(hash.finalize())
    }

    func lookup(_ key: String) -> String? {
        guard let bytes = FileOperations.readFile(directory + "/" + key) else { return nil }
        let value = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return value.hasPrefix("sha256:") ? value : nil
    }

    func store(_ key: String, imageID: String) throws {
        try FileOperations.makeDirectories(directory, mode: 0o700)
        let temporary = directory + "/.tmp-\(key)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileOperations.writeFile(Array((imageID + "\n").utf8), to: temporary, mode: 0o600)
        if rename(temporary, directory + "/" + key) != 0 {
            unlink(temporary)
            throw FileOperations.failure("rename", temporary)
        }
    }
}
