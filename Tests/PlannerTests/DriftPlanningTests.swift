import Foundation
import Planner
import StackFile
import Testing

/// What the reconciler's drift repairs plan: a resource gone behind our back is made again
/// with the containers that use it, and exited containers are started only when asked.
struct DriftPlanningTests {
    let project = makeProject(
        [
            makeService("web"),
            makeService("db") {
                $0.volumes = [ServiceVolume(type: .volume, source: "data", target: "/data")]
            },
        ], volumes: ["data"])

    func lines(_ plan: Plan) -> [String] { plan.actions.map(\.line) }

    @Test func aNetworkWhoseBridgeIsGoneIsCreatedAgainWithItsContainers() throws {
        let desired = try DesiredState(project: project)
        var observed = observedMatching(desired)
        observed.networks[0].isMissing = true
        let plan = try Planner.up(desired, observed)
        #expect(lines(plan).contains("+ create network demo_default: its bridge was deleted behind our back"))
        #expect(
            lines(plan).contains("~ recreate demo-web-1: network demo_default was missing and is created again"),
            "\(lines(plan))")
        #expect(lines(plan).contains("~ recreate demo-db-1: network demo_default was missing and is created again"))
    }

    @Test func aVolumeWhoseDirectoryIsGoneIsCreatedAgainWithTheContainersMountingIt() throws {
        let desired = try DesiredState(project: project)
        var observed = observedMatching(desired)
        observed.volumes[0].isMissing = true
        let plan = try Planner.up(desired, observed)
        #expect(
            lines(plan).contains("+ create volume demo_data: its directory was removed behind our back"),
            "\(lines(plan))")
        #expect(lines(plan).contains("~ recreate demo-db-1: volume demo_data was removed and is created again"))
        #expect(!lines(plan).contains { $0.contains("demo-web-1") })
    }

    @Test func aVolumeRemovedWithItsRecordIsMissingForTheContainersMountingIt() throws {
        let desired = try DesiredState(project: project)
        var observed = observedMatching(desired)
        observed.volumes = []
        let plan = try Planner.up(desired, observed)
        #expect(lines(plan).contains("+ create volume demo_data: missing"), "\(lines(plan))")
        #expect(lines(plan).contains("~ recreate demo-db-1: volume demo_data was removed and is created again"))
        // On a fresh up it is simply new.
        let fresh = try Planner.up(desired, ObservedState())
        #expect(lines(fresh).contains("+ create volume demo_data: new volume"))
    }

    @Test func exitedContainersAreStartedOnlyWhenNamedInExitedToStart() throws {
        let desired = try DesiredState(project: project)
        let observed = observedMatching(desired)
            .with("demo-web-1") { $0.status = .exited(code: 137) }
            .with("demo-db-1") { $0.status = .exited(code: 1) }
        #expect(lines(try Planner.up(desired, observed)).filter { $0.hasPrefix("> start") }.count == 2)
        let plan = try Planner.up(desired, observed, options: PlanOptions(exitedToStart: ["demo-web-1"]))
        #expect(lines(plan) == ["> start demo-web-1: exited (code 137) behind our back"])
        #expect(try Planner.up(desired, observed, options: PlanOptions(exitedToStart: [])).actions.isEmpty)
    }

    @Test func anObservedStateWrittenBeforeIsMissingExistedStillDecodes() throws {
        let json = #"{"name":"demo_default","configHash":"abc","fields":[]}"#
        let resource = try JSONDecoder().decode(ObservedResource.self, from: Data(json.utf8))
        #expect(resource == ObservedResource(name: "demo_default", configHash: "abc"))
    }
}
