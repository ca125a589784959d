import Foundation
import Orchestrator
import Planner
import StackFile
import Testing

func service(_ name: String, _ configure: (inout Service) -> Void = { _ in }) -> Service {
    var service = Service(name: name)
    service.image = "busybox"
    service.networks = ["default": ServiceNetwork()]
    configure(&service)
    return service
}

func project(_ services: [Service], volumes: [String] = []) -> Project {
    var project = Project(name: "demo", workingDirectory: "/srv/demo")
    for service in services { project.services[service.name] = service }
    project.networks["default"] = Network(key: "default", name: "demo_default")
    for key in volumes { project.volumes[key] = Volume(key: key, name: "demo_\(key)") }
    return project
}

@Suite struct OrchestratorTests {
    let stack = project(
        [
            service("db") {
                $0.healthcheck = Healthcheck(test: ["CMD", "true"], interval: .milliseconds(10))
                $0.volumes = [ServiceVolume(type: .volume, source: "data", target: "/data")]
            },
            service("web") { $0.dependsOn = ["db": Dependency(condition: .serviceHealthy)] },
            service("migrate") { $0.restart = .no },
            service("app") { $0.dependsOn = ["migrate": Dependency(condition: .serviceCompletedSuccessfully)] },
        ], volumes: ["data"])

    @Test func upCreatesInDependencyOrderAndIsThenANoOp() throws {
        let engine = RecordingEngine()
        engine.images = ["busybox": "sha256:1"]
        engine.exitOnStart = ["demo-migrate-1": 0]
        let orchestrator = Orchestrator(engine: engine, project: stack)
        _ = try orchestrator.up()
        let calls = engine.calls
        let position = { (call: String) in try #require(calls.firstIndex(of: call), "missing call \(call) in \(calls)")
        }
        #expect(try position("create network demo_default") < position("create demo-db-1"))
        #expect(try position("create volume demo_data") < position("create demo-db-1"))
        #expect(try position("start demo-db-1") < position("check demo-db-1"))
        #expect(try position("check demo-db-1") < position("create demo-web-1"))
        #expect(try position("start demo-migrate-1") < position("create demo-app-1"))

        let again = try orchestrator.up()
        #expect(again.isEmpty, "a second up changes nothing: \(again.text)")
    }

    @Test func aChangedEnvironmentRecreatesOnlyThatService() throws {
        let engine = RecordingEngine()
        engine.images = ["busybox": "sha256:1"]
        engine.exitOnStart = ["demo-migrate-1": 0]
        _ = try Orchestrator(engine: engine, project: stack).up()
        var changed = stack
        changed.services["web"]?.environment["LEVEL"] = "debug"
        let plan = try Orchestrator(engine: engine, project: changed).up()
        #expect(plan.actions.map(\.line) == [#"~ recreate demo-web-1: environment.LEVEL added ("debug")"#])
    }

    @Test func failingJobStopsItsDependents() throws {
        let engine = RecordingEngine()
        engine.images = ["busybox": "sha256:1"]
        engine.exitOnStart = ["demo-migrate-1": 3]
        #expect(throws: OrchestratorError.self) { try Orchestrator(engine: engine, project: stack).up() }
        #expect(!engine.calls.contains("create demo-app-1"), "app needs migrate to succeed: \(engine.calls)")
        #expect(engine.calls.contains("create demo-web-1"), "web does not depend on migrate")
    }

    @Test func unhealthyDependencyTimesOut() throws {
        let engine = RecordingEngine()
        engine.images = ["busybox": "sha256:1"]
        engine.healthy = ["demo-db-1": false]
        let desired = try DesiredState(project: stack, services: ["web"])
        let plan = try Planner.up(desired, ObservedState(images: engine.images))
        var executor = Executor(engine: engine, project: stack, desired: desired)
        executor.conditionTimeout = 0.3
        #expect(throws: OrchestratorError.self) { try executor.apply(plan) }
        #expect(!engine.calls.contains("create demo-web-1"))
    }

    @Test func downRemovesDependentsFirstThenNetworksAndVolumesWithV() throws {
        let engine = RecordingEngine()
        engine.images = ["busybox": "sha256:1"]
        engine.exitOnStart = ["demo-migrate-1": 0]
        let orchestrator = Orchestrator(engine: engine, project: stack)
        _ = try orchestrator.up()
        _ = try orchestrator.down()
        #expect(try engine.containers(project: "demo").isEmpty)
        #expect(try engine.networks(project: "demo").isEmpty)
        #expect(try engine.volumes(project: "demo").count == 1, "volumes survive down without -v")
        let calls = engine.calls
        #expect(calls.firstIndex(of: "remove demo-web-1")! < calls.firstIndex(of: "remove demo-db-1")!)
        _ = try orchestrator.down(removeVolumes: true)
        #expect(try engine.volumes(project: "demo").isEmpty)
    }

    @Test func inPlaceLimitChangeUpdatesWithoutRecreate() throws {
        let engine = RecordingEngine()
        engine.images = ["busybox": "sha256:1"]
        engine.exitOnStart = ["demo-migrate-1": 0]
        _ = try Orchestrator(engine: engine, project: stack).up()
        var changed = stack
        changed.services["web"]?.deploy = Deploy(limits: ResourceLimits(memory: 64 << 20))
        _ = try Orchestrator(engine: engine, project: changed).up()
        #expect(engine.calls.last == "update demo-web-1 memory=67108864")
    }

    @Test func observerReadsBackWhatLabelsRecord() throws {
        let desired = try DesiredState(project: stack)
        let container = try #require(desired.containers.first)
        let labels = Observer.labels(project: "demo", container: container, imageID: "sha256:9")
        let engine = RecordingEngine()
        _ = engine
        let observed = ObservedContainer(
            name: container.name, service: container.service, index: container.index,
            configHash: container.configHash, fields: container.fields, imageID: "sha256:9", status: .running)
        #expect(labels[ProjectLabels.project] == "demo")
        #expect(labels[ProjectLabels.configHash] == observed.configHash)
    }
}
