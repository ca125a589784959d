import Foundation
import Glibc
import Runtime
import Testing

@Suite("Pseudo-terminals")
struct TerminalTests {
    /// Reads a pty master until the other side is gone (EIO).
    func drain(_ master: Int32) -> String {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(master, &buffer, buffer.count)
            if n <= 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        Glibc.close(master)
        return String(decoding: data, as: UTF8.self)
    }

    @Test func ttyContainerGetsAPtyFromItsOwnDevpts() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let spec = box.spec(["sh", "-c", "tty; echo term=$TERM; exit 4"]) { $0.tty = true }
        try box.runtime.create(spec)
        box.track(spec.id)
        let devnull = open("/dev/null", O_RDWR)
        defer { Glibc.close(devnull) }
        var master: Int32 = -1
        let pid = try box.runtime.start(
            spec.id, io: ProcessIO(stdin: devnull, stdout: devnull, stderr: devnull), onTerminal: { master = $0 })
        #expect(master >= 0)
        let output = drain(master)
        let state = try box.runtime.waitForExit(spec.id, pid: pid)
        #expect(output.contains("/dev/pts/0\r\n"), "\(output)")
        #expect(output.contains("term=xterm"))
        #expect(state.exitCode == 4)
    }

    @Test func execWithTtyGetsAPty() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let spec = box.spec(["sleep", "100"])
        let owned = try OwnedContainer(box: box, spec: spec)
        let devnull = open("/dev/null", O_RDWR)
        defer { Glibc.close(devnull) }
        var master: Int32 = -1
        let pid = try box.runtime.startExec(
            spec.id, ExecSpec(command: ["sh", "-c", "tty; exit 2"], tty: true),
            io: ProcessIO(stdin: devnull, stdout: devnull, stderr: devnull), onTerminal: { master = $0 })
        let output = drain(master)
        #expect(box.runtime.waitForExec(pid: pid) == 2)
        #expect(output.hasPrefix("/dev/pts/"), "\(output)")
        try box.runtime.kill(spec.id, signal: SIGKILL)
        _ = owned.waitForExit()
    }
}
