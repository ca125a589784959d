import Foundation
import Glibc
import Testing

@testable import Runtime

/// A process is named by its pid and start time; a child that has exited but is not reaped
/// yet still has its own identity (its pid cannot be reused before we reap it).
@Suite struct ProcessIdentityTests {
    @Test func anExitedUnreapedChildKeepsItsIdentityButIsNotAlive() throws {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { for pointer in argv { free(pointer) } }
        #expect(posix_spawn(&pid, "/bin/true", nil, nil, argv, nil) == 0)
        defer {
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }
        // Until it is a zombie.
        let deadline = Date().addingTimeInterval(10)
        while ProcessIdentity.readStat(pid)?.1 != "Z" && Date() < deadline { usleep(1_000) }
        #expect(ProcessIdentity.readStat(pid)?.1 == "Z")

        let identity = try #require(ProcessIdentity.unreapedChild(pid), "a zombie child still has a start time")
        #expect(identity.pid == pid)
        #expect(ProcessIdentity.current(pid) == nil, "an exited process is not running")
        #expect(!identity.isAlive)
    }
}
