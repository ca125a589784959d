import Digest
import Glibc
import JSON

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `blobs/sha256/<hex>`: content-addressed, verified on the way in and on the way out.
struct BlobStore: Sendable {
    let directory: String
    let temporary: TemporaryArea

    func path(of digest: String) throws(ImageError) -> String {
        "\(directory)/\(try Self.hex(of: digest))"
    }

    func contains(_ digest: String) -> Bool {
        guard let path = try? path(of: digest) else { return false }
        return FileSystem.exists(path)
    }

    /// Stores `bytes` and returns its `sha256:` digest.
    @discardableResult
    func write(_ bytes: [UInt8]) throws(ImageError) -> String {
        let digest = "sha256:" + SHA256.hex(bytes)
        let target = try path(of: digest)
        if FileSystem.exists(target) { return digest }
        let (item, fd) = try temporary.makeFile(purpose: "blob")
        defer { item.discard() }
        var failure: ImageError?
        bytes.withUnsafeBytes { raw in
            do throws(ImageError) { try FileSystem.writeAll(fd, raw, path: item.path) } catch { failure = error }
        }
        if failure == nil && fsync(fd) != 0 {
            failure = ImageError(.io, "cannot fsync \(item.path): \(Errno.text(errno))")
        }
        close(fd)
        if let failure { throw failure }
        try moveIntoPlace(item.path, target)
        return digest
    }

    /// Moves the file at `temporaryPath` into the store after checking that it has `digest` and `size`.
    func ingest(_ temporaryPath: String, digest: String, size: Int64) throws(ImageError) {
        let target = try path(of: digest)
        let actual = try StreamingDigest.ofFile(temporaryPath)
        guard actual.digest == digest, actual.size == size else {
            throw ImageError(
                .corrupt,
                "blob \(temporaryPath) does not match its descriptor: expected \(digest) (\(size) bytes), found \(actual.digest) (\(actual.size) bytes)"
            )
        }
        if FileSystem.exists(target) { return }
        try moveIntoPlace(temporaryPath, target)
    }

    /// Moves a file the caller has already verified to have `digest` into the store.
    func adopt(_ temporaryPath: String, digest: String) throws(ImageError) {
        let target = try path(of: digest)
        if FileSystem.exists(target) { return }
        try moveIntoPlace(temporaryPath, target)
    }

    private func moveIntoPlace(_ source: String, _ target: String) throws(ImageError) {
        guard rename(source, target) == 0 else {
            throw ImageError(.io, "cannot move \(source) to \(target): \(Errno.text(errno))")
        }
        try FileSystem.syncDirectory(directory)
    }

    /// The blob's bytes, checked against its digest.
    func read(_ digest: String) throws(ImageError) -> [UInt8] {
        let blobPath = try path(of: digest)
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.read(blobPath)
        } catch  where error.code == .notFound {
            throw ImageError(
                .corrupt,
                "blob \(digest) is missing from \(directory); the store is damaged: remove the image and import it again"
            )
        }
        guard "sha256:" + SHA256.hex(bytes) == digest else {
            throw ImageError(
                .corrupt,
                "blob \(blobPath) does not match its digest; the store is damaged: remove the image and import it again"
            )
        }
        return bytes
    }

    /// Decodes a JSON blob, checked against its digest.
    func readJSON<T: Decodable>(_ type: T.Type, _ digest: String) throws(ImageError) -> T {
        try JSONCoding.decode(type, try read(digest), what: "blob \(digest)")
    }

    /// Decodes a JSON blob by hand where the type allows, checked against its digest.
    func readJSON<T: HandDecodable>(_ type: T.Type, _ digest: String) throws(ImageError) -> T {
        try JSONCoding.decode(type, try read(digest), what: "blob \(digest)")
    }

    /// The stored blob's size in bytes.
    func size(of digest: String) throws(ImageError) -> Int64 {
        let blobPath = try path(of: digest)
        var info = stat()
        guard lstat(blobPath, &info) == 0 else {
            throw ImageError(
                .corrupt,
                "blob \(digest) is missing from \(directory); the store is damaged: remove the image and import it again"
            )
        }
        return Int64(info.st_size)
    }

    func remove(_ digest: String) throws(ImageError) {
        let blobPath = try path(of: digest)
        guard unlink(blobPath) == 0 || errno == ENOENT else {
            throw ImageError(.io, "cannot remove blob \(blobPath): \(Errno.text(errno))")
        }
    }

    /// The 64 hex digits of a `sha256:` digest, refusing anything else (a digest becomes a path).
    static func hex(of digest: String) throws(ImageError) -> String {
        let hex = digest.hasPrefix("sha256:") ? digest.dropFirst(7) : ""
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else {
            throw ImageError(.corrupt, "'\(digest)' is not a sha256 digest")
        }
        return String(hex)
    }
}

/// JSON as the store writes it: sorted keys, no escaped slashes, so equal content gives equal digests.
enum JSONCoding {
    static func encode<T: Encodable>(_ value: T) throws(ImageError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(value))
        } catch {
            throw ImageError(.io, "cannot encode \(T.self) as JSON: \(error)")
        }
    }

    /// By hand first (no Codable first-use cost); `JSONDecoder` for anything the hand mapping
    /// does not accept, and for its message.
    static func decode<T: HandDecodable>(_ type: T.Type, _ bytes: [UInt8], what: String) throws(ImageError) -> T {
        if let value = try? T(json: JSONObject(parsing: bytes)) { return value }
        return try decodeWithCodable(type, bytes, what: what)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8], what: String) throws(ImageError) -> T {
        try decodeWithCodable(type, bytes, what: what)
    }

    private static func decodeWithCodable<T: Decodable>(
        _ type: T.Type, _ bytes: [UInt8], what: String
    ) throws(ImageError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw ImageError(.corrupt, "cannot parse \(what): \(error)")
        }
    }
}
