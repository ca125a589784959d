import Foundation
import Testing

/// The test image every end-to-end suite uses: Debian's static busybox with the applets the
/// tests call, imported as `busybox` from a directory through the binary.
enum BusyboxImage {
    static let applets = [
        "sh", "httpd", "wget", "echo", "sleep", "cat", "true", "nslookup", "touch", "test", "kill",
    ]

    /// Writes the root filesystem at `root`.
    static func makeRootfs(at root: URL) throws {
        let bin = root.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "/bin/busybox", toPath: bin.appendingPathComponent("busybox").path)
        for applet in applets {
            try FileManager.default.createSymbolicLink(
                atPath: bin.appendingPathComponent(applet).path, withDestinationPath: "busybox")
        }
        let etc = root.appendingPathComponent("etc")
        try FileManager.default.createDirectory(at: etc, withIntermediateDirectories: true)
        try "root:x:0:0:root:/root:/bin/sh\n".write(
            to: etc.appendingPathComponent("passwd"), atomically: true, encoding: .utf8)
        try "root:x:0:\n".write(to: etc.appendingPathComponent("group"), atomically: true, encoding: .utf8)
    }

    /// Makes the root filesystem under `scratch` and imports it into the state root that
    /// `environment` names.
    static func importImage(scratch: URL, environment: [String: String]) throws {
        let root = scratch.appendingPathComponent("bb")
        try makeRootfs(at: root)
        let imported = try CLI.run(["image", "import", root.path, "busybox"], environment: environment)
        #expect(imported.status == 0, "\(imported.stderr)")
    }
}
