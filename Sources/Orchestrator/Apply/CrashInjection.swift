import Foundation
import Glibc

/// Test-only: `SWIFTSTACK_TEST_CRASH_AFTER_ACTION=N` kills this process with SIGKILL right after
/// plan action N finishes, so tests can show that every intermediate state converges.
enum CrashInjection {
    static let action: Int? = ProcessInfo.processInfo.environment["SWIFTSTACK_TEST_CRASH_AFTER_ACTION"].flatMap {
        Int($0)
    }

    static func afterAction(_ id: Int) {
        guard let action, action == id else { return }
        kill(getpid(), SIGKILL)
    }
}
