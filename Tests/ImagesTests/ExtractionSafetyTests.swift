import Glibc
import Images
import Testing

/// Hostile archives: each must be refused with an error naming the offending entry, and nothing
/// may appear outside the layer directory.
@Suite("Extraction stays inside the layer")
struct ExtractionSafetyTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var label: String
        var entries: @Sendable () -> [TestEntry]
        var offending: String
        var limits: ExtractionLimits = .default
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(label: "../escape", entries: { [.file("../escape", "x")] }, offending: "../escape"),
        Case(
            label: "a/../../escape", entries: { [.directory("a/"), .file("a/../../escape", "x")] },
            offending: "a/../../escape"),
        Case(
            label: "symlink to /etc, then link/passwd",
            entries: { [.symlink("link", to: "/etc"), .file("link/passwd", "root::0:0::/:/bin/sh\n")] },
            offending: "link/passwd"),
        Case(
            label: "symlink to ../../.., then link/x",
            entries: { [.symlink("link", to: "../../.."), .file("link/x", "x")] }, offending: "link/x"),
        Case(
            label: "symlink to /etc, then a directory through it",
            entries: { [.symlink("link", to: "/etc"), .directory("link/sub/")] }, offending: "link/sub/"),
        Case(
            label: "hardlink to /etc/passwd", entries: { [.hardlink("passwd", to: "/etc/passwd")] }, offending: "passwd"
        ),
        Case(label: "hardlink to ../x", entries: { [.hardlink("x", to: "../x")] }, offending: "x"),
        Case(
            label: "hardlink through a symlink out of the layer",
            entries: { [.symlink("etc", to: "/etc"), .hardlink("passwd", to: "etc/passwd")] }, offending: "passwd"),
        Case(
            label: "block device",
            entries: { [TestEntry(name: "dev/sda", kind: .blockDevice(major: 8, minor: 0), mode: 0o660)] },
            offending: "dev/sda"),
        Case(
            label: "character device other than a whiteout",
            entries: { [TestEntry(name: "dev/mem", kind: .characterDevice(major: 1, minor: 1), mode: 0o640)] },
            offending: "dev/mem"),
        Case(
            label: "size bomb",
            entries: {
                [.file("small", "ok"), TestEntry(name: "bomb", kind: .file([UInt8](repeating: 0, count: 1 << 20)))]
            },
            offending: "bomb", limits: ExtractionLimits(maxUncompressedBytes: 64 << 10)),
        Case(
            label: "entry-count bomb",
            entries: { (0..<50).map { TestEntry.file("f\($0)", "") } },
            offending: "f10", limits: ExtractionLimits(maxEntries: 10)),
    ]

    @Test(arguments: cases)
    func hostileArchiveIsRefused(_ hostile: Case) throws {
        let directory = try TestDirectory("unsafe")
        defer { directory.remove() }
        let passwordsBefore = try Files.sha256("/etc/passwd")
        let tarball = directory.path + "/hostile.tar.gz"
        try TestTarball.write(hostile.entries(), to: tarball)
        let layer = directory.path + "/layer"
        mkdir(layer, 0o755)

        var thrown: ImageError?
        do {
            try LayerArchive.extract(tarball: tarball, into: layer, limits: hostile.limits)
        } catch {
            thrown = error
        }
        let error = try #require(thrown)
        #expect(error.code == .unsafeArchive)
        #expect(error.message.contains("'\(hostile.offending)'"), "message names the entry: \(error.message)")

        #expect(TestDirectory.names(in: directory.path) == ["hostile.tar.gz", "layer"])
        #expect(try Files.sha256("/etc/passwd") == passwordsBefore)
        #expect(!Files.exists("/etc/sub"))
        #expect(!Files.exists("/x"))
        #expect(!Files.exists(FileSystemPaths.parent(directory.path) + "/escape"))
    }

    @Test func linksThatStayInsideAreFollowedAndAbsoluteNamesMadeRelative() throws {
        let directory = try TestDirectory("inside")
        defer { directory.remove() }
        let tarball = directory.path + "/merged-usr.tar"
        try TestTarball.write(
            [
                .directory("usr/lib/"),
                .symlink("lib", to: "usr/lib"),
                .file("lib/libc.so", "elf"),
                .symlink("abs", to: "/usr"),
                .file("/etc/os-release", "ID=test\n"),
                .file("./usr/./bin/../share/doc", "doc"),
                TestEntry(name: "run/fifo", kind: .fifo, mode: 0o620),
                TestEntry(name: "dev/console", kind: .characterDevice(major: 5, minor: 1), mode: 0o600),
            ], to: tarball, gzip: false)
        let layer = directory.path + "/layer"
        mkdir(layer, 0o755)
        try LayerArchive.extract(tarball: tarball, into: layer, limits: ExtractionLimits(deviceNodes: .skip))

        #expect(String(decoding: try Files.read(layer + "/usr/lib/libc.so"), as: UTF8.self) == "elf")
        #expect(Files.readLink(layer + "/abs") == "/usr")
        #expect(String(decoding: try Files.read(layer + "/etc/os-release"), as: UTF8.self) == "ID=test\n")
        #expect(String(decoding: try Files.read(layer + "/usr/share/doc"), as: UTF8.self) == "doc")
        let fifo = try #require(Files.lstatInfo(layer + "/run/fifo"))
        #expect(fifo.st_mode & S_IFMT == S_IFIFO && fifo.st_mode & 0o7777 == 0o620)
        #expect(!Files.exists(layer + "/dev/console"))
    }
}

enum FileSystemPaths {
    static func parent(_ path: String) -> String {
        String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
    }
}
