import Foundation
import Glibc

/// Test-only: `SWIFTSTACK_TEST_CRASH_AFTER_ATTACH=1` kills this process with SIGKILL once a
/// container's namespace is pinned and attached but before the container exists — the
/// leftovers (pinned namespace, veth, address) only a sweep can find.
enum AttachCrashInjection {
    static let enabled = ProcessInfo.processInfo.environment["SWIFTSTACK_TEST_CRASH_AFTER_ATTACH"] == "1"

    static func afterAttach() {
        if enabled { kill(getpid(), SIGKILL) }
    }
}
