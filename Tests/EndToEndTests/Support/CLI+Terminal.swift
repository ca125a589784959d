import Foundation
import Glibc

extension CLI {
    /// Runs `swiftstack ARGUMENTS` with stdin, stdout and stderr on a pseudo-terminal, as at a
    /// user's shell; what the terminal showed comes back as `stdout` (`stderr` stays empty).
    static func runOnTerminal(
        _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]
    ) throws -> Result {
        // posix_openpt and friends are hidden by Swift's Glibc module: the ioctls they wrap
        // (TIOCSPTLCK, TIOCGPTN; Linux's values) do the same.
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else { throw POSIXError(.ENXIO) }
        defer { close(master) }
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else {
            throw POSIXError(.ENXIO)
        }
        let slavePath = "/dev/pts/\(number)"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in 0...2 {
            posix_spawn_file_actions_addopen(&actions, fd, slavePath, fd == 0 ? O_RDWR : O_WRONLY, 0)
        }
        var pid: pid_t = 0
        let spawned = spawn(
            binary.path, arguments, in: directory, environment: environment, actions: &actions, pid: &pid)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        // Reading the master ends with EIO once every holder of the slave has closed it.
        var output = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(master, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            output.append(contentsOf: buffer[0..<n])
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: code, stdout: String(decoding: output, as: UTF8.self), stderr: "")
    }
}
