import Foundation
import Orchestrator
import Planner
import StackFile
import Testing

/// Rolling updates applied through the recording engine: the order of stops and starts, the
/// waits for readiness, and what failures lead to.
@Suite struct RolloutExecutorTests {
    func stack(version: String, update: UpdateConfig, replicas: Int = 3, rollback: UpdateConfig? = nil) -> Project {
        project([
            service("web") {
                $0.environment = ["VERSION": version]
                $0.healthcheck = Healthcheck(test: ["CMD", "true"], interval: .milliseconds(10), retries: 2)
                $0.deploy = Deploy(replicas: replicas, updateConfig: update, rollbackConfig: rollback)
            }
        ])
    }

    /// Engine with `stack(version: "1")` applied, and the calls the update then makes.
    func update(
        _ update: UpdateConfig, rollback: UpdateConfig? = nil, unhealthy: Set<String> = [],
        exitOnStart: [String: Int] = [:]
    ) throws -> (engine: RecordingEngine, calls: [String], error: OrchestratorError?) {
        let engine = RecordingEngine()
        engine.images = ["busybox": "sha256:1"]
        let old = stack(version: "1", update: update, rollback: rollback)
        _ = try Orchestrator(engine: engine, project: old).up()
        let before = engine.calls.count
        for name in unhealthy { engine.healthy[name] = false }
        engine.exitOnStart = exitOnStart
        var failure: OrchestratorError?
        do {
            _ = try Orchestrator(engine: engine, project: stack(version: "2", update: update, rollback: rollback))
                .up(previous: old)
        } catch let error as OrchestratorError {
            failure = error
        }
        let calls = engine.calls.dropFirst(before).filter { !$0.hasPrefix("check ") && $0 != "collect leftovers" }
        return (engine, Array(calls), failure)
    }

    func versions(_ engine: RecordingEngine) throws -> [String: String] {
        let hashes = [
            "1": try DesiredState(project: stack(version: "1", update: UpdateConfig())).containers[0].configHash,
            "2": try DesiredState(project: stack(version: "2", update: UpdateConfig())).containers[0].configHash,
        ]
        var versions: [String: String] = [:]
        for container in try engine.containers(project: "demo") {
            let hash = container.labels[ProjectLabels.configHash]
            versions[container.name] = hashes.first { $0.value == hash }?.key ?? "?"
        }
        return versions
    }

    @Test func stopFirstReplacesEachBatchUnderTheSameNames() throws {
        let (engine, calls, error) = try update(UpdateConfig(parallelism: 2, monitor: .zero, order: .stopFirst))
        #expect(error == nil)
        #expect(
            calls == [
                "remove demo-web-1", "remove demo-web-2", "create demo-web-1", "create demo-web-2",
                "start demo-web-1", "start demo-web-2",
                "remove demo-web-3", "create demo-web-3", "start demo-web-3",
            ])
        #expect(try versions(engine) == ["demo-web-1": "2", "demo-web-2": "2", "demo-web-3": "2"])
    }

    @Test func startFirstStartsAndChecksTheNewReplicaBeforeRemovingAnOldOne() throws {
        let engine = RecordingEngine()
        engine.images = ["busybox": "sha256:1"]
        let config = UpdateConfig(parallelism: 1, monitor: .zero, order: .startFirst)
        let old = stack(version: "1", update: config)
        _ = try Orchestrator(engine: engine, project: old).up()
        let before = engine.calls.count
        _ = try Orchestrator(engine: engine, project: stack(version: "2", update: config)).up(previous: old)
        let calls = Array(engine.calls.dropFirst(before).filter { $0 != "collect leftovers" })
        // Each new replica is probed healthy before the old one it replaces goes.
        let expected = [
            ("demo-web-4", "demo-web-1"), ("demo-web-1", "demo-web-2"), ("demo-web-2", "demo-web-3"),
        ]
        var position = 0
        for (new, old) in expected {
            let create = try #require(calls[position...].firstIndex(of: "create \(new)"), "\(calls)")
            let start = try #require(calls[create...].firstIndex(of: "start \(new)"), "\(calls)")
            let check = try #require(calls[start...].firstIndex(of: "check \(new)"), "\(calls)")
            let remove = try #require(calls[check...].firstIndex(of: "remove \(old)"), "\(calls)")
            #expect(!calls[..<remove].contains("remove \(old)"))
            position = remove
        }
        #expect(try versions(engine) == ["demo-web-1": "2", "demo-web-2": "2", "demo-web-4": "2"])
        // Converged: nothing left to do.
        #expect(try Orchestrator(engine: engine, project: stack(version: "2", update: config)).up().isEmpty)
    }

    @Test func aBrokenStartFirstReplicaIsRemovedAndTheOldOnesNeverStop() throws {
        let (engine, calls, error) = try update(
            UpdateConfig(parallelism: 1, failureAction: .rollback, monitor: .zero, order: .startFirst),
            unhealthy: ["demo-web-4"])
        #expect(error?.code == .rolloutFailed)
        #expect(error?.message.contains("rolled back") == true, "\(String(describing: error))")
        #expect(calls == ["create demo-web-4", "start demo-web-4", "remove demo-web-4"])
        #expect(try versions(engine) == ["demo-web-1": "1", "demo-web-2": "1", "demo-web-3": "1"])
    }

    @Test func startFirstRollbackRestartsTheReplicasItKeptStopped() throws {
        // demo-web-4 replaces demo-web-1 (kept stopped); demo-web-5 fails: 1/3 > 0 → rollback.
        let (engine, calls, error) = try update(
            UpdateConfig(parallelism: 1, failureAction: .rollback, monitor: .zero, order: .startFirst),
            unhealthy: ["demo-web-5"])
        #expect(error?.code == .rolloutFailed)
        #expect(error?.message.contains("rolled back") == true)
        #expect(
            calls == [
                "create demo-web-4", "start demo-web-4", "stop demo-web-1",
                "create demo-web-5", "start demo-web-5", "remove demo-web-5",
                "start demo-web-1", "remove demo-web-4",
            ])
        #expect(try versions(engine) == ["demo-web-1": "1", "demo-web-2": "1", "demo-web-3": "1"])
    }

    @Test func stopFirstRollbackRecreatesReplacedReplicasFromThePreviousConfigWithRollbackConfig() throws {
        // The new demo-web-2 exits as it becomes ready (the observer, both batches' starts and
        // the first readiness poll list it before): 1/3 > 0 → rollback of demo-web-1 and -2.
        let config = UpdateConfig(parallelism: 1, failureAction: .rollback, monitor: .zero, order: .stopFirst)
        let engine = RecordingEngine()
        engine.images = ["busybox": "sha256:1"]
        let old = stack(version: "1", update: config, rollback: UpdateConfig(parallelism: 2, monitor: .zero))
        _ = try Orchestrator(engine: engine, project: old).up()
        let before = engine.calls.count
        engine.crashAfterListings = ["demo-web-2": 4]
        let new = stack(version: "2", update: config, rollback: UpdateConfig(parallelism: 2, monitor: .zero))
        #expect(throws: OrchestratorError.self) { try Orchestrator(engine: engine, project: new).up(previous: old) }
        let calls = engine.calls.dropFirst(before).filter { !$0.hasPrefix("check ") && $0 != "collect leftovers" }
        #expect(
            Array(calls) == [
                "remove demo-web-1", "create demo-web-1", "start demo-web-1",
                "remove demo-web-2", "create demo-web-2", "start demo-web-2",
                "remove demo-web-1", "remove demo-web-2", "create demo-web-1", "create demo-web-2",
                "start demo-web-1", "start demo-web-2",
            ])
        #expect(try versions(engine) == ["demo-web-1": "1", "demo-web-2": "1", "demo-web-3": "1"])
    }

    @Test func pauseStopsWhereTheFailureHappened() throws {
        let (engine, calls, error) = try update(
            UpdateConfig(parallelism: 1, failureAction: .pause, monitor: .zero, order: .startFirst),
            unhealthy: ["demo-web-1"])
        #expect(error?.code == .rolloutFailed)
        #expect(error?.message.contains("paused") == true)
        #expect(!calls.contains("remove demo-web-2") && !calls.contains("create demo-web-2"), "\(calls)")
        #expect(try versions(engine) == ["demo-web-2": "1", "demo-web-3": "1", "demo-web-4": "2"])
    }

    @Test func maxFailureRatioToleratesFailuresUpToIt() throws {
        // 1 of 3 failed (0.33) is within 0.5: the update goes on, the failed slot keeps its old replica.
        let (engine, _, error) = try update(
            UpdateConfig(
                parallelism: 1, failureAction: .pause, monitor: .zero, maxFailureRatio: 0.5, order: .startFirst),
            unhealthy: ["demo-web-4"])
        #expect(error == nil)
        let versions = try versions(engine)
        #expect(versions.values.sorted() == ["1", "2", "2"], "\(versions)")
        // A second failure (2 of 3) is above it.
        let (_, _, second) = try update(
            UpdateConfig(
                parallelism: 1, failureAction: .pause, monitor: .zero, maxFailureRatio: 0.5, order: .startFirst),
            exitOnStart: ["demo-web-4": 1, "demo-web-5": 1])
        #expect(second?.message.contains("2 of 3 new replicas failed") == true, "\(String(describing: second))")
    }

    @Test func aReplicaThatCrashesWhileMonitoredFailsTheUpdate() throws {
        let engine = RecordingEngine()
        engine.images = ["busybox": "sha256:1"]
        let config = UpdateConfig(
            parallelism: 1, failureAction: .pause, monitor: .milliseconds(500), order: .stopFirst)
        var old = stack(version: "1", update: config)
        var new = stack(version: "2", update: config)
        // No healthcheck: ready as soon as it runs, so only the monitor can see the crash.
        old.services["web"]?.healthcheck = nil
        new.services["web"]?.healthcheck = nil
        _ = try Orchestrator(engine: engine, project: old).up()
        let before = engine.calls.count
        // Listed by the observer, at the batch's start and when it is ready: then it crashes.
        engine.crashAfterListings = ["demo-web-1": 3]
        let messages = Messages()
        #expect(throws: OrchestratorError.self) {
            try Orchestrator(engine: engine, project: new).up(previous: old) { event in
                if case .progress(_, let message) = event { messages.append(message) }
            }
        }
        #expect(messages.all.contains("update: demo-web-1 failed while monitored: exited (code 1)"), "\(messages.all)")
        let calls = Array(engine.calls.dropFirst(before).filter { $0 != "collect leftovers" })
        #expect(calls == ["remove demo-web-1", "create demo-web-1", "start demo-web-1"])
        #expect(try engine.containers(project: "demo").first { $0.name == "demo-web-1" }?.status == .exited(code: 1))
    }

    @Test func continueGoesOnWhateverFails() throws {
        let (_, calls, error) = try update(
            UpdateConfig(parallelism: 1, failureAction: .continue, monitor: .zero, order: .startFirst),
            exitOnStart: ["demo-web-4": 1, "demo-web-5": 1, "demo-web-6": 1])
        #expect(error == nil)
        #expect(
            calls.filter { $0.hasPrefix("create") } == ["create demo-web-4", "create demo-web-5", "create demo-web-6"])
        #expect(!calls.contains { $0.hasPrefix("remove demo-web-1") })
    }
}

/// Progress messages collected from the executor's threads.
final class Messages: @unchecked Sendable {
    private var items: [String] = []
    private let lock = NSLock()

    func append(_ message: String) { lock.withLock { items.append(message) } }
    var all: [String] { lock.withLock { items } }
}
