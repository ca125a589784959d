import Planner
import StackFile
import Testing

let upCases: [PlannerCase] = [
    PlannerCase(name: "fresh up", before: nil, after: stack),
    PlannerCase(
        name: "fresh up with images present", before: nil, after: stack,
        images: ["busybox": "sha256:aa", "mariadb": "sha256:bb", "demo-app": "sha256:cc"]),
    PlannerCase(name: "no-op", before: stack, after: stack),
    PlannerCase(
        name: "environment change", before: stack,
        after: replacing(stack, changed(web) { $0.environment["LEVEL"] = "debug" })),
    PlannerCase(
        name: "environment added and removed", before: stack,
        after: replacing(stack, changed(web) { $0.environment = ["DB_HOST": "db"] })),
    PlannerCase(
        name: "image change", before: stack,
        after: replacing(stack, changed(web) { $0.image = "busybox:1.36" })),
    PlannerCase(
        name: "image id changed under the same tag", before: stack, after: stack,
        observe: { $0.with("demo-web-1") { $0.imageID = "sha256:0000" } },
        images: ["busybox": "sha256:ffff", "mariadb": "sha256:1111", "demo-app": "sha256:1111"]),
    PlannerCase(
        name: "command change", before: stack,
        after: replacing(stack, changed(web) { $0.command = ["httpd", "-f"] })),
    PlannerCase(
        name: "memory limit applies in place", before: stack,
        after: replacing(stack, changed(web) { $0.deploy = Deploy(limits: ResourceLimits(memory: 64 << 20)) })),
    PlannerCase(
        name: "restart policy applies in place", before: stack,
        after: replacing(stack, changed(web) { $0.restart = .always })),
    PlannerCase(
        name: "depends_on change has no effect", before: stack,
        after: replacing(stack, changed(web) { $0.dependsOn = ["db": Dependency()] })),
    PlannerCase(
        name: "scale up", before: stack,
        after: replacing(stack, changed(web) { $0.scale = 3 })),
    PlannerCase(
        name: "scale down removes highest first", before: replacing(stack, changed(web) { $0.scale = 3 }),
        after: stack),
    PlannerCase(
        name: "scale up fills the free index", before: replacing(stack, changed(web) { $0.scale = 3 }),
        after: replacing(stack, changed(web) { $0.scale = 3 }),
        observe: { state in
            var s = state
            s.containers.removeAll { $0.name == "demo-web-2" }
            return s
        }),
    PlannerCase(
        name: "deploy.replicas wins over scale", before: stack,
        after: replacing(
            stack,
            changed(web) {
                $0.scale = 5
                $0.deploy = Deploy(replicas: 2)
            })),
    PlannerCase(name: "orphan warned", before: stack, after: removing(stack, "web")),
    PlannerCase(
        name: "orphan removed with --remove-orphans", before: stack, after: removing(stack, "web"),
        options: PlanOptions(removeOrphans: true)),
    PlannerCase(
        name: "namespace cascade", before: stack,
        after: replacing(stack, changed(db) { $0.environment["MARIADB_AUTO_UPGRADE"] = "1" })),
    PlannerCase(
        name: "depends_on restart: true restarts the dependent", before: stack,
        after: replacing(
            stack, changed(db) { $0.user = "mysql" },
            changed(web) { $0.dependsOn = ["db": Dependency(restart: true)] })),
    PlannerCase(name: "--force-recreate", before: stack, after: stack, options: PlanOptions(forceRecreate: true)),
    PlannerCase(
        name: "--no-recreate keeps changed containers", before: stack,
        after: replacing(stack, changed(web) { $0.environment["LEVEL"] = "debug" }),
        options: PlanOptions(noRecreate: true)),
    PlannerCase(name: "--build rebuilds and recreates", before: stack, after: stack, options: PlanOptions(build: true)),
    PlannerCase(
        name: "exited container is started", before: stack, after: stack,
        observe: { $0.with("demo-web-1") { $0.status = .exited(code: 1) } }),
    PlannerCase(
        name: "finished job is left alone", before: stack, after: stack,
        observe: { $0.with("demo-web-1") { $0.status = .exited(code: 0) } }),
    PlannerCase(
        name: "exited daemon with a restart policy is started",
        before: replacing(stack, changed(web) { $0.restart = .always }),
        after: replacing(stack, changed(web) { $0.restart = .always }),
        observe: { $0.with("demo-web-1") { $0.status = .exited(code: 0) } }),
    PlannerCase(
        name: "exit code unknown", before: stack, after: stack,
        observe: { $0.with("demo-web-1") { $0.status = .exited(code: nil) } }),
    PlannerCase(
        name: "created container is started", before: stack, after: stack,
        observe: { $0.with("demo-web-1") { $0.status = .created } }),
    PlannerCase(
        name: "dead container is recreated", before: stack, after: stack,
        observe: { $0.with("demo-db-1") { $0.status = .dead } }),
    PlannerCase(
        name: "missing container of a running stack", before: stack, after: stack,
        observe: { state in
            var s = state
            s.containers.removeAll { $0.name == "demo-db-1" }
            return s
        }),
    PlannerCase(
        name: "new service added", before: stack,
        after: replacing(stack, makeService("cache", image: "redis"))),
    PlannerCase(
        name: "network config change recreates attached containers", before: stack,
        after: {
            var p = stack
            p.networks["default"]?.internal = true
            return p
        }()),
    PlannerCase(
        name: "volume config change is kept with a warning", before: stack,
        after: {
            var p = stack
            p.volumes["data"]?.labels = ["tier": "db"]
            return p
        }()),
    PlannerCase(
        name: "missing network is created again", before: stack, after: stack,
        observe: { state in
            var s = state
            s.networks = []
            return s
        }),
    PlannerCase(
        name: "container_name", before: nil,
        after: makeProject([makeService("web") { $0.containerName = "my-web" }])),
    PlannerCase(
        name: "hash unknown without fields", before: stack, after: stack,
        observe: {
            $0.with("demo-web-1") {
                $0.configHash = "old"
                $0.fields = []
            }
        }),
]

@Suite struct PlannerUpTests {
    @Test(arguments: upCases)
    func plan(_ scenario: PlannerCase) throws {
        let desired = try DesiredState(project: scenario.after)
        var observed = ObservedState.empty
        if let before = scenario.before {
            observed = observedMatching(try DesiredState(project: before), images: scenario.images)
        } else if let images = scenario.images {
            observed.images = images
        }
        observed = scenario.observe(observed)
        let plan = try Planner.up(desired, observed, options: scenario.options)
        try expectGolden(plan.text, named: scenario.name)
    }
}

let downCases:
    [(name: String, withFile: Bool, volumes: Bool, orphans: Bool, observe: @Sendable (ObservedState) -> ObservedState)] =
        [
            ("down in reverse dependency order", true, false, false, { $0 }),
            ("down -v removes volumes", true, true, false, { $0 }),
            ("down without a stack file", false, false, false, { $0 }),
            (
                "down leaves orphans without --remove-orphans", true, false, false,
                { state in
                    var s = state
                    s.containers.append(
                        ObservedContainer(name: "demo-old-1", service: "old", index: 1, configHash: "x"))
                    return s
                }
            ),
            (
                "down --remove-orphans", true, false, true,
                { state in
                    var s = state
                    s.containers.append(
                        ObservedContainer(name: "demo-old-1", service: "old", index: 1, configHash: "x"))
                    return s
                }
            ),
            (
                "down of a scaled service", true, false, false,
                { state in
                    var s = state
                    s.containers.append(
                        ObservedContainer(name: "demo-web-2", service: "web", index: 2, configHash: "x"))
                    return s
                }
            ),
        ]

@Suite struct PlannerDownTests {
    @Test(arguments: 0..<downCases.count)
    func plan(_ index: Int) throws {
        let scenario = downCases[index]
        let desired = try DesiredState(project: stack)
        let observed = scenario.observe(observedMatching(desired))
        let plan = Planner.down(
            project: "demo", observed, desired: scenario.withFile ? desired : nil,
            removeVolumes: scenario.volumes, removeOrphans: scenario.orphans)
        try expectGolden(plan.text, named: scenario.name)
    }

    @Test func waveOrderPutsDependentsFirst() throws {
        let desired = try DesiredState(project: stack)
        let plan = Planner.down(project: "demo", observedMatching(desired), desired: desired)
        let waves = plan.waves.map { $0.map(\.target) }
        let wave = { (name: String) in waves.firstIndex { $0.contains(name) }! }
        #expect(wave("demo-app-1") < wave("demo-db-1"))
        #expect(wave("demo-probe-1") < wave("demo-db-1"))
        #expect(wave("demo_default") > wave("demo-db-1"))
    }
}
