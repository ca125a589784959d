import Planner
import StackFile
import Testing

/// A service that sets every field the normal form knows, so a change in any canonical
/// spelling shows up in the golden hashes.
let everything = makeService("everything", image: nil) {
    $0.build = Build(context: "/srv/demo/app", dockerfile: "Dockerfile.prod", target: "final", args: ["GO": "1.22"])
    $0.command = ["./crawler", "worker", "with \"quotes\"\nand a newline"]
    $0.entrypoint = ["/sbin/tini", "--"]
    $0.environment = ["A": "1", "B": "", "C": "x=y"]
    $0.ports = [Port(target: 8080, published: 8081), Port(target: 53, hostIP: "127.0.0.1", transportProtocol: .udp)]
    $0.expose = ["9000"]
    $0.volumes = [
        ServiceVolume(type: .volume, source: "data", target: "/data"),
        ServiceVolume(type: .bind, source: "/srv/logs", target: "/app/logs", readOnly: true, createHostPath: true),
        ServiceVolume(type: .tmpfs, source: nil, target: "/tmp", tmpfsSize: 1 << 20),
    ]
    $0.tmpfs = ["/run"]
    $0.networks = ["default": ServiceNetwork(aliases: ["b", "a"], ipv4Address: "10.121.0.9")]
    $0.healthcheck = Healthcheck(test: ["CMD-SHELL", "true"], interval: .seconds(5), retries: 2)
    $0.hostname = "host"
    $0.workingDir = "/app"
    $0.user = "1000:1000"
    $0.labels = ["tier": "web"]
    $0.stopSignal = "SIGINT"
    $0.initProcess = true
    $0.readOnly = true
    $0.capAdd = ["NET_ADMIN"]
    $0.capDrop = ["MKNOD"]
    $0.extraHosts = [ExtraHost(hostname: "gw", address: "10.0.0.1")]
    $0.deploy = Deploy(limits: ResourceLimits(cpus: 0.5, memory: 64 << 20, pids: 100))
    $0.restart = .onFailure(maxRetries: 3)
    $0.stopGracePeriod = .seconds(3)
}

@Suite struct ConfigHashTests {
    /// These hashes must not change without a bump of `ConfigHash.schemaVersion`: running
    /// containers would all be recreated by an upgrade of swiftstack.
    @Test func goldenHashes() throws {
        let project = makeProject([web, db, app, probe, everything], volumes: ["data"])
        let desired = try DesiredState(project: project)
        let lines = desired.containers.map { "\($0.service) \($0.configHash)" }.sorted()
        try expectGolden(
            (["schema \(ConfigHash.schemaVersion)"] + lines).joined(separator: "\n") + "\n", named: "hashes")
    }

    @Test func inPlaceAndNoEffectFieldsKeepTheHash() throws {
        let base = try DesiredState(project: makeProject([web])).containers[0].configHash
        let variants: [(String, (inout Service) -> Void)] = [
            ("memory", { $0.deploy = Deploy(limits: ResourceLimits(memory: 1 << 30)) }),
            ("cpus", { $0.deploy = Deploy(limits: ResourceLimits(cpus: 2)) }),
            ("restart", { $0.restart = .always }),
            ("stop_grace_period", { $0.stopGracePeriod = .seconds(1) }),
            ("depends_on", { $0.dependsOn = ["x": Dependency()] }),
            ("replicas", { $0.deploy = Deploy(replicas: 4) }),
            ("scale", { $0.scale = 2 }),
            ("profiles", { $0.profiles = ["debug"] }),
            ("update_config", { $0.deploy = Deploy(updateConfig: UpdateConfig(parallelism: 2)) }),
        ]
        for (name, change) in variants {
            let hash = try DesiredState(project: makeProject([changed(web, change)]), profiles: ["debug"])
                .containers[0].configHash
            #expect(hash == base, "\(name) must not change the config hash")
        }
    }

    @Test func recreateFieldsChangeTheHash() throws {
        let base = try DesiredState(project: makeProject([web])).containers[0].configHash
        let variants: [(String, (inout Service) -> Void)] = [
            ("environment", { $0.environment["LEVEL"] = "debug" }),
            ("image", { $0.image = "busybox:2" }),
            ("command", { $0.command = [] }),
            ("user", { $0.user = "app" }),
            ("read_only", { $0.readOnly = true }),
            ("ports", { $0.ports = [Port(target: 80)] }),
            ("volumes", { $0.volumes = [ServiceVolume(type: .tmpfs, source: nil, target: "/x")] }),
            ("aliases", { $0.networks["default"] = ServiceNetwork(aliases: ["w"]) }),
        ]
        for (name, change) in variants {
            let hash = try DesiredState(project: makeProject([changed(web, change)])).containers[0].configHash
            #expect(hash != base, "\(name) must change the config hash")
        }
    }

    /// A value holding a newline must not be able to imitate a second field.
    @Test func valuesCannotForgeLines() {
        let forged = ConfigHash.compute([ConfigField("a", "1\nb=2")])
        let honest = ConfigHash.compute([ConfigField("a", "1"), ConfigField("b", "2")])
        #expect(forged != honest)
    }

    @Test func dependencyCycleIsReported() {
        let a = makeService("a") { $0.dependsOn = ["b": Dependency()] }
        let b = makeService("b") { $0.dependsOn = ["a": Dependency()] }
        #expect(throws: PlannerError.self) { try DesiredState(project: makeProject([a, b])) }
        do {
            _ = try DesiredState(project: makeProject([a, b]))
        } catch {
            #expect(error.message == "dependency cycle: a -> b -> a")
        }
    }

    @Test func selectedServicesBringTheirDependencies() throws {
        let desired = try DesiredState(project: stack, services: ["probe"])
        #expect(Set(desired.containers.map(\.service)) == ["probe", "db"])
        #expect(desired.serviceOrder == ["db", "probe"])
    }

    @Test func profilesExcludeServicesUntilActive() throws {
        let debug = makeService("debug") { $0.profiles = ["debug"] }
        let project = makeProject([web, debug])
        #expect(try DesiredState(project: project).containers.map(\.service) == ["web"])
        #expect(try DesiredState(project: project, profiles: ["debug"]).containers.count == 2)
    }

    @Test func containerNameWithReplicasIsRefused() {
        let service = makeService("web") {
            $0.containerName = "w"
            $0.scale = 2
        }
        #expect(throws: PlannerError.self) { try DesiredState(project: makeProject([service])) }
    }
}
