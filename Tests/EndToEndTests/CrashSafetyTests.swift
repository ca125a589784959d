import Foundation
import Testing

/// A `kill -9` of swiftstack after any action leaves a state the next command converges from,
/// and `down` then leaves nothing.
@Suite(.serialized) struct CrashSafetyTests {
    /// The fresh `up` of the sandbox's stack has these actions: network, volume, create and
    /// start web, create and start client.
    static let upActions = 1...6

    @Test(arguments: upActions)
    func upKilledAfterActionConverges(_ action: Int) throws {
        let sandbox = try StackSandbox()
        try sandbox.writeStack()
        sandbox.environment["SWIFTSTACK_TEST_CRASH_AFTER_ACTION"] = "\(action)"
        let crashed = try sandbox.run(["up", "-d"])
        #expect(crashed.status == 128 + 9, "up was killed after action \(action): \(crashed.stderr)")
        sandbox.environment["SWIFTSTACK_TEST_CRASH_AFTER_ACTION"] = nil

        let again = try sandbox.run(["up", "-d", "--wait"])
        #expect(again.status == 0, "after a crash at action \(action): \(again.stderr)")
        let plan = try sandbox.run(["plan"])
        #expect(plan.stdout.contains("nothing to do (2 containers up to date)"), "\(plan.stdout)")
        #expect(
            eventually {
                (try? sandbox.run(["logs", "\(sandbox.project)-client-1"]).stdout.contains("hello from")) == true
            })

        let down = try sandbox.run(["down", "-v"])
        #expect(down.status == 0, "\(down.stderr)")
        try sandbox.expectNothingLeft()
    }

    /// `down` removes the two containers, then the network (and the volume with -v).
    @Test(arguments: 1...3)
    func downKilledAfterActionConverges(_ action: Int) throws {
        let sandbox = try StackSandbox()
        try sandbox.writeStack()
        #expect(try sandbox.run(["up", "-d", "--wait"]).status == 0)
        sandbox.environment["SWIFTSTACK_TEST_CRASH_AFTER_ACTION"] = "\(action)"
        let crashed = try sandbox.run(["down", "-v"])
        #expect(crashed.status == 128 + 9, "down was killed after action \(action): \(crashed.stderr)")
        sandbox.environment["SWIFTSTACK_TEST_CRASH_AFTER_ACTION"] = nil
        let down = try sandbox.run(["down", "-v"])
        #expect(down.status == 0, "\(down.stderr)")
        try sandbox.expectNothingLeft()
    }
}
