import Foundation
import Planner
import StackFile
import Testing

/// `config` and `plan` driven through the built binary.
@Suite struct StackCommandTests {
    static let stackFile = """
        name: shop
        services:
          web:
            image: busybox
            command: ["httpd", "-f", "-p", "80"]
            environment:
              LEVEL: ${LEVEL:-info}
            ports: ["8081:80"]
            depends_on:
              db: {condition: service_healthy}
          db:
            image: mariadb
            volumes: ["data:/var/lib/mysql"]
            healthcheck:
              test: ["CMD", "true"]
          probe:
            image: mariadb
            network_mode: "service:db"
        volumes:
          data: {}
        """

    @Test func versionPrints() throws {
        let result = try CLI.run(["--version"])
        #expect(result.status == 0)
        #expect(!result.stdout.isEmpty)
    }

    @Test func configPrintsTheNormalisedModel() throws {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", Self.stackFile)
        let result = try CLI.run(["config"], in: directory.url, environment: ["LEVEL": "debug"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("LEVEL: debug"))
        #expect(result.stdout.contains("name: shop"))
        let services = try CLI.run(["config", "--services"], in: directory.url)
        #expect(services.stdout.split(separator: "\n").sorted() == ["db", "probe", "web"])
    }

    @Test func configJSONParses() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("stack.yaml", Self.stackFile)
        let result = try CLI.run(["config", "-f", file.path, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect((object?["services"] as? [String: Any])?.keys.sorted() == ["db", "probe", "web"])
    }

    @Test func invalidFileExitsTwoWithEveryErrorAndItsLine() throws {
        let directory = try TemporaryDirectory()
        try directory.write(
            "compose.yaml",
            """
            services:
              web:
                image: busybox
                enviroment:
                  A: b
                depends_on: [ghost]
            """)
        let result = try CLI.run(["config"], in: directory.url)
        #expect(result.status == 2)
        #expect(result.stderr.contains("compose.yaml:4:5"), "\(result.stderr)")
        #expect(result.stderr.contains("environment"), "a did-you-mean suggestion: \(result.stderr)")
        #expect(result.stderr.contains("ghost"), "the undefined dependency is reported too: \(result.stderr)")
    }

    @Test func missingFileIsAClearError() throws {
        let directory = try TemporaryDirectory()
        let result = try CLI.run(["config"], in: directory.url)
        #expect(result.status == 2)
        #expect(result.stderr.contains("compose.yaml"), "\(result.stderr)")
    }

    @Test func planOnAFreshProjectCreatesEverything() throws {
        let directory = try TemporaryDirectory()
        try directory.write("compose.yaml", Self.stackFile)
        let result = try CLI.run(["plan"], in: directory.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("+ create network shop_default: new network"))
        #expect(result.stdout.contains("+ create volume shop_data: new volume"))
        #expect(result.stdout.contains("+ create shop-web-1: new service web"))
        // web waits for db; probe joins db's network namespace.
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let startDB = try #require(lines.firstIndex { $0.contains("start shop-db-1") })
        let createWeb = try #require(lines.firstIndex { $0.contains("create shop-web-1") })
        let createProbe = try #require(lines.firstIndex { $0.contains("create shop-probe-1") })
        #expect(startDB < createWeb)
        #expect(startDB < createProbe)
    }

    @Test func planExplainsAFieldChangeAgainstAnObservedState() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("compose.yaml", Self.stackFile)
        // What runs: the stack as applied with LEVEL=info.
        let loaded = try StackLoader.load(
            LoadOptions(
                files: [file.path], projectName: nil, workingDirectory: directory.url.path, environment: [:],
                envFiles: []))
        let desired = try DesiredState(project: loaded.project)
        let observed = ObservedState(
            containers: desired.containers.map {
                ObservedContainer(
                    name: $0.name, service: $0.service, index: $0.index, configHash: $0.configHash,
                    fields: $0.fields, imageID: "sha256:1")
            },
            networks: desired.networks.map {
                ObservedResource(name: $0.name, configHash: $0.configHash, fields: $0.fields)
            },
            volumes: desired.volumes.map {
                ObservedResource(name: $0.name, configHash: $0.configHash, fields: $0.fields)
            },
            images: ["busybox": "sha256:1", "mariadb": "sha256:1"])
        let observedFile = directory.url.appendingPathComponent("observed.json")
        try JSONEncoder().encode(observed).write(to: observedFile)

        let unchanged = try CLI.run(["plan", "--observed", observedFile.path], in: directory.url)
        #expect(unchanged.stdout.contains("nothing to do (3 containers up to date)"), "\(unchanged.stdout)")

        let changed = try CLI.run(
            ["plan", "--observed", observedFile.path], in: directory.url, environment: ["LEVEL": "debug"])
        #expect(changed.status == 0, "\(changed.stderr)")
        #expect(changed.stdout.contains(#"~ recreate shop-web-1: environment.LEVEL changed ("info" → "debug")"#))

        let json = try CLI.run(["plan", "--observed", observedFile.path, "--format", "json"], in: directory.url)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["project"] as? String == "shop")
    }

    @Test func planDownRemovesDependentsFirst() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("compose.yaml", Self.stackFile)
        let loaded = try StackLoader.load(
            LoadOptions(
                files: [file.path], projectName: nil, workingDirectory: directory.url.path, environment: [:],
                envFiles: []))
        let desired = try DesiredState(project: loaded.project)
        let observed = ObservedState(
            containers: desired.containers.map {
                ObservedContainer(
                    name: $0.name, service: $0.service, index: $0.index, configHash: $0.configHash,
                    fields: $0.fields)
            },
            networks: desired.networks.map { ObservedResource(name: $0.name, configHash: $0.configHash) },
            volumes: desired.volumes.map { ObservedResource(name: $0.name, configHash: $0.configHash) })
        let observedFile = directory.url.appendingPathComponent("observed.json")
        try JSONEncoder().encode(observed).write(to: observedFile)
        let result = try CLI.run(["plan", "--down", "-v", "--observed", observedFile.path], in: directory.url)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let removeDB = try #require(lines.firstIndex { $0.contains("remove shop-db-1") })
        let removeWeb = try #require(lines.firstIndex { $0.contains("remove shop-web-1") })
        let removeVolume = try #require(lines.firstIndex { $0.contains("remove volume shop_data") })
        #expect(removeWeb < removeDB)
        #expect(removeDB < removeVolume)
    }
}
