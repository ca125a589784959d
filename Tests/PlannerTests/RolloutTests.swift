import Planner
import StackFile
import Testing

/// Rolling updates as the planner decides them: which containers, in which batches, and what
/// failures call for.
@Suite struct RolloutTests {
    func web(replicas: Int = 3, level: String, update: UpdateConfig? = UpdateConfig(order: .startFirst)) -> Project {
        makeProject([
            makeService("web") {
                $0.environment = ["LEVEL": level]
                $0.deploy = Deploy(replicas: replicas, updateConfig: update)
            }
        ])
    }

    @Test func aChangedServiceWithUpdateConfigIsOneRollOutOfItsReplicas() throws {
        let before = try DesiredState(project: web(level: "info"))
        let observed = observedMatching(before)
        let plan = try Planner.up(try DesiredState(project: web(level: "debug")), observed)
        #expect(plan.actions.map(\.kind) == [.rollOut])
        let action = try #require(plan.actions.first)
        #expect(action.target == "web")
        #expect(action.rollout?.outdated == ["demo-web-1", "demo-web-2", "demo-web-3"])
        #expect(action.reasons == [#"environment.LEVEL changed ("info" → "debug")"#])
        #expect(
            action.line
                == #"~ roll out web (3 replicas, 1 at a time, start-first, monitor 5s, on failure pause): environment.LEVEL changed ("info" → "debug")"#
        )
    }

    @Test func withoutUpdateConfigReplicasAreRecreatedAsBefore() throws {
        let observed = observedMatching(try DesiredState(project: web(level: "info", update: nil)))
        let plan = try Planner.up(try DesiredState(project: web(level: "debug", update: nil)), observed)
        #expect(plan.actions.map(\.kind) == [.recreateContainer, .recreateContainer, .recreateContainer])
    }

    @Test func scalingComesBeforeTheRollOutAndADeadReplicaIsRecreatedAtOnce() throws {
        let observed = observedMatching(try DesiredState(project: web(replicas: 3, level: "info")))
            .with("demo-web-2") { $0.status = .dead }
        let plan = try Planner.up(try DesiredState(project: web(replicas: 4, level: "debug")), observed)
        let kinds = plan.actions.map { "\($0.kind.rawValue) \($0.target)" }
        #expect(
            kinds == [
                "recreate-container demo-web-2", "create-container demo-web-4", "start-container demo-web-4",
                "roll-out web",
            ])
        let rollOut = try #require(plan.actions.last)
        #expect(rollOut.rollout?.outdated == ["demo-web-1", "demo-web-3"])
        #expect(rollOut.dependsOn.contains(3))
    }

    @Test func aHeldBackServiceIsLeftAsItIs() throws {
        let observed = observedMatching(try DesiredState(project: web(level: "info")))
        let plan = try Planner.up(
            try DesiredState(project: web(level: "debug")), observed, options: PlanOptions(heldBack: ["web"]))
        #expect(plan.actions.isEmpty)
        #expect(plan.warnings.count == 1)
        #expect(plan.warnings.first?.contains("service web: its last rolling update failed") == true)
    }

    @Test func batchesFollowParallelism() {
        let names = ["a", "b", "c", "d", "e"]
        #expect(RolloutStrategy(parallelism: 2).batches(of: names) == [["a", "b"], ["c", "d"], ["e"]])
        #expect(RolloutStrategy(parallelism: 1).batches(of: names).count == 5)
        #expect(RolloutStrategy(parallelism: 0).batches(of: names) == [names])
        #expect(RolloutStrategy(parallelism: 9).batches(of: names) == [names])
    }

    @Test func strategyComesFromTheStackFile() {
        let config = UpdateConfig(
            parallelism: 2, delay: .milliseconds(1500), failureAction: .rollback, monitor: .seconds(3),
            maxFailureRatio: 0.25, order: .startFirst)
        #expect(
            RolloutStrategy(config)
                == RolloutStrategy(
                    parallelism: 2, delay: 1.5, order: .startFirst, monitor: 3, failureAction: .rollback,
                    maxFailureRatio: 0.25))
        // Swarm's defaults when rollback_config is absent.
        let desired = try? DesiredState(project: web(level: "x"))
        #expect(desired?.rollouts["web"]?.rollback == RolloutStrategy())
    }

    @Test func failureActionAppliesOnceTheRatioIsExceeded() {
        // Swarm: failures / replicas to update > max_failure_ratio.
        var tolerant = RolloutProgress(
            strategy: RolloutStrategy(failureAction: .rollback, maxFailureRatio: 0.25), total: 8)
        #expect(tolerant.fail("a") == .proceed)  // 1/8 = 0.125
        #expect(tolerant.fail("b") == .proceed)  // 2/8 = 0.25, not above
        #expect(tolerant.fail("b") == .proceed)  // counted once
        #expect(tolerant.fail("c") == .rollback)  // 3/8
        var strict = RolloutProgress(strategy: RolloutStrategy(failureAction: .pause), total: 3)
        #expect(strict.decision == .proceed)
        #expect(strict.fail("a") == .pause)
        var carefree = RolloutProgress(strategy: RolloutStrategy(failureAction: .continue), total: 3)
        #expect(carefree.fail("a") == .proceed)
        #expect(carefree.fail("b") == .proceed)
        #expect(carefree.fail("c") == .proceed)
    }

    @Test func startFirstReplacementsTakeTheLowestFreeNumber() {
        #expect(RolloutProgress.freeIndex(used: [1, 2, 3]) == 4)
        #expect(RolloutProgress.freeIndex(used: [2, 3, 4]) == 1)
        #expect(RolloutProgress.freeIndex(used: []) == 1)
    }
}
