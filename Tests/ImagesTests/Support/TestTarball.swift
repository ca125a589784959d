import CArchive
import Glibc

/// One entry of a tarball a test writes with libarchive.
struct TestEntry {
    enum Kind {
        case file([UInt8])
        case directory
        case symlink(String)
        case hardlink(String)
        case characterDevice(major: UInt32, minor: UInt32)
        case blockDevice(major: UInt32, minor: UInt32)
        case fifo
    }

    var name: String
    var kind: Kind
    var mode: mode_t = 0o644
    var uid: Int64 = 0
    var gid: Int64 = 0
    var mtime: Int = 1_700_000_000
    var xattrs: [(String, [UInt8])] = []

    static func file(_ name: String, _ contents: String = "", mode: mode_t = 0o644) -> TestEntry {
        TestEntry(name: name, kind: .file(Array(contents.utf8)), mode: mode)
    }

    static func directory(_ name: String, mode: mode_t = 0o755) -> TestEntry {
        TestEntry(name: name, kind: .directory, mode: mode)
    }

    static func symlink(_ name: String, to target: String) -> TestEntry {
        TestEntry(name: name, kind: .symlink(target), mode: 0o777)
    }

    static func hardlink(_ name: String, to target: String) -> TestEntry {
        TestEntry(name: name, kind: .hardlink(target))
    }
}

/// Writes tarballs (plain or gzip) with libarchive, the way hostile or ordinary archives look.
enum TestTarball {
    static func write(_ entries: [TestEntry], to path: String, gzip: Bool = true) throws {
        guard let archive = archive_write_new() else { throw TestFailure("archive_write_new") }
        defer { archive_write_free(archive) }
        archive_write_set_format_pax_restricted(archive)
        if gzip { archive_write_add_filter_gzip(archive) }
        guard archive_write_open_filename(archive, path) == ARCHIVE_OK else { throw TestFailure(errorText(archive)) }
        for item in entries {
            guard let entry = archive_entry_new() else { throw TestFailure("archive_entry_new") }
            defer { archive_entry_free(entry) }
            archive_entry_copy_pathname(entry, item.name)
            archive_entry_set_uid(entry, item.uid)
            archive_entry_set_gid(entry, item.gid)
            archive_entry_set_mtime(entry, item.mtime, 0)
            for (name, value) in item.xattrs { archive_entry_xattr_add_entry(entry, name, value, value.count) }
            var data: [UInt8] = []
            switch item.kind {
            case .file(let bytes):
                archive_entry_set_mode(entry, Glibc.S_IFREG | item.mode)
                archive_entry_set_size(entry, Int64(bytes.count))
                data = bytes
            case .directory:
                archive_entry_set_mode(entry, Glibc.S_IFDIR | item.mode)
            case .symlink(let target):
                archive_entry_set_mode(entry, Glibc.S_IFLNK | item.mode)
                archive_entry_copy_symlink(entry, target)
            case .hardlink(let target):
                archive_entry_set_mode(entry, Glibc.S_IFREG | item.mode)
                archive_entry_copy_hardlink(entry, target)
                archive_entry_set_size(entry, 0)
            case .characterDevice(let major, let minor):
                archive_entry_set_mode(entry, Glibc.S_IFCHR | item.mode)
                archive_entry_set_rdevmajor(entry, dev_t(major))
                archive_entry_set_rdevminor(entry, dev_t(minor))
            case .blockDevice(let major, let minor):
                archive_entry_set_mode(entry, Glibc.S_IFBLK | item.mode)
                archive_entry_set_rdevmajor(entry, dev_t(major))
                archive_entry_set_rdevminor(entry, dev_t(minor))
            case .fifo:
                archive_entry_set_mode(entry, Glibc.S_IFIFO | item.mode)
            }
            guard archive_write_header(archive, entry) == ARCHIVE_OK else { throw TestFailure(errorText(archive)) }
            if !data.isEmpty {
                guard archive_write_data(archive, data, data.count) == data.count else {
                    throw TestFailure(errorText(archive))
                }
            }
        }
        guard archive_write_close(archive) == ARCHIVE_OK else { throw TestFailure(errorText(archive)) }
    }

    /// `bytes` gzip-compressed into `path`, through libarchive's raw writer.
    static func gzip(_ bytes: [UInt8], to path: String) throws {
        guard let archive = archive_write_new() else { throw TestFailure("archive_write_new") }
        defer { archive_write_free(archive) }
        archive_write_set_format_raw(archive)
        archive_write_add_filter_gzip(archive)
        guard archive_write_open_filename(archive, path) == ARCHIVE_OK else { throw TestFailure(errorText(archive)) }
        guard let entry = archive_entry_new() else { throw TestFailure("archive_entry_new") }
        defer { archive_entry_free(entry) }
        archive_entry_set_filetype(entry, UInt32(Glibc.S_IFREG))
        archive_entry_copy_pathname(entry, "data")
        guard archive_write_header(archive, entry) == ARCHIVE_OK,
            archive_write_data(archive, bytes, bytes.count) == bytes.count,
            archive_write_close(archive) == ARCHIVE_OK
        else { throw TestFailure(errorText(archive)) }
    }

    /// Names (and hardlink targets) of the entries of a tarball, in order.
    static func entryNames(of path: String) throws -> [String] {
        guard let archive = archive_read_new() else { throw TestFailure("archive_read_new") }
        defer { archive_read_free(archive) }
        archive_read_support_filter_all(archive)
        archive_read_support_format_tar(archive)
        guard archive_read_open_filename(archive, path, 65536) == ARCHIVE_OK else {
            throw TestFailure(errorText(archive))
        }
        var names = [String]()
        var entry: OpaquePointer?
        while archive_read_next_header(archive, &entry) == ARCHIVE_OK, let entry {
            names.append(String(cString: archive_entry_pathname(entry)))
        }
        return names
    }

    /// The uncompressed bytes of a gzip file, through libarchive's raw reader.
    static func decompress(_ path: String) throws -> [UInt8] {
        guard let archive = archive_read_new() else { throw TestFailure("archive_read_new") }
        defer { archive_read_free(archive) }
        archive_read_support_filter_all(archive)
        archive_read_support_format_raw(archive)
        guard archive_read_open_filename(archive, path, 65536) == ARCHIVE_OK else {
            throw TestFailure(errorText(archive))
        }
        var entry: OpaquePointer?
        guard archive_read_next_header(archive, &entry) == ARCHIVE_OK else { throw TestFailure(errorText(archive)) }
        var out = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = archive_read_data(archive, &buffer, buffer.count)
            guard count >= 0 else { throw TestFailure(errorText(archive)) }
            if count == 0 { return out }
            out.append(contentsOf: buffer[0..<count])
        }
    }

    private static func errorText(_ archive: OpaquePointer) -> String {
        archive_error_string(archive).map { String(cString: $0) } ?? "libarchive error"
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
