import CShim
import Glibc

/// Starts a process in its own session with stdio on /dev/null, detached from ours: it survives
/// our exit (the per-container monitor of `run -d`).
public enum DetachedProcess {
    /// Spawns `executable` with `arguments` (argv[0] included); `keepFD` becomes its fd 3.
    public static func spawn(executable: String, arguments: [String], keepFD: Int32) throws -> Int32 {
        let devnull = open("/dev/null", O_RDWR | O_CLOEXEC)
        if devnull < 0 { throw systemError("open", "/dev/null") }
        defer { close(devnull) }
        let arena = CStringArena()
        let argv = UnsafeMutablePointer(mutating: arena.array(arguments))
        var environment: [String] = []
        var entry = environ
        while let pointer = entry.pointee {
            environment.append(String(cString: pointer))
            entry += 1
        }
        let envp = UnsafeMutablePointer(mutating: arena.array(environment))
        let pid = argv.withMemoryRebound(to: UnsafeMutablePointer<CChar>?.self, capacity: arguments.count + 1) {
            argvC in
            envp.withMemoryRebound(to: UnsafeMutablePointer<CChar>?.self, capacity: environment.count + 1) { envC in
                cshim_spawn_detached(executable, argvC, envC, devnull, devnull, devnull, keepFD)
            }
        }
        if pid < 0 { throw systemError("spawn", executable) }
        DetachedChildren.adopt(pid)
        return pid
    }

    /// Path of our own executable (to re-execute ourselves).
    public static var selfExecutable: String {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBufferPointer { raw in
            raw.withMemoryRebound(to: CChar.self) { readlink("/proc/self/exe", $0.baseAddress!, $0.count - 1) }
        }
        return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : "/proc/self/exe"
    }
}
