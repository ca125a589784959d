/// A one-binary root filesystem from Debian's static busybox, as `FROM scratch` + COPY would make.
enum BusyboxRootfs {
    static let applets = ["sh", "true", "false", "echo", "ls", "cat", "sleep"]

    static func write(to path: String) throws -> [UInt8] {
        let busybox = try Files.read("/bin/busybox")
        var entries: [TestEntry] = [
            .directory("./"),
            .directory("bin/"),
            TestEntry(name: "bin/busybox", kind: .file(busybox), mode: 0o755),
            .directory("etc/"),
            .file("etc/hostname", "busybox\n"),
            .directory("tmp/", mode: 0o1777),
        ]
        for applet in applets { entries.append(.symlink("bin/\(applet)", to: "busybox")) }
        try TestTarball.write(entries, to: path)
        return busybox
    }
}
