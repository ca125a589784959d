import Foundation
import Testing

@testable import StackFile

@Suite("Loading")
struct LoadingTests {
    static var validDirectory: String { Bundle.module.resourceURL!.appendingPathComponent("Fixtures/valid").path }

    @Test("YAML 1.1 traps stay strings: 22:22, no, 0755, on, 1e3")
    func yaml11Traps() throws {
        let project = try load(
            """
            services:
              app:
                image: demo
                ports: [22:22]
                environment:
                  NO: no
                  MODE: 0755
                  SWITCH: on
                  BIG: 1e3
                  OCTAL_LIKE: 010
                restart: no
            """
        ).project
        let app = try #require(project.services["app"])
        #expect(app.ports == [Port(target: 22, published: 22)])
        #expect(app.environment == ["NO": "no", "MODE": "0755", "SWITCH": "on", "BIG": "1e3", "OCTAL_LIKE": "010"])
        #expect(app.restart == .no)
    }

    @Test("anchors, aliases and << merge keys, explicit keys win")
    func anchorsAndMergeKeys() throws {
        let project = try load(
            """
            x-base: &base
              image: base-image
              restart: always
              environment: &env
                A: "1"
            x-more: &more
              hostname: from-more
              restart: on-failure
            services:
              one:
                <<: *base
                restart: unless-stopped
              two:
                <<: [*more, *base]
                environment: *env
            """
        ).project
        #expect(project.services["one"]?.image == "base-image")
        #expect(project.services["one"]?.restart == .unlessStopped)
        #expect(project.services["one"]?.environment == ["A": "1"])
        #expect(
            project.services["two"]?.restart == .onFailure(maxRetries: nil), "the first mapping of a merge list wins")
        #expect(project.services["two"]?.hostname == "from-more")
        #expect(project.services["two"]?.image == "base-image")
    }

    @Test("extension fields are accepted at the top level and in services, networks and volumes")
    func extensions() throws {
        let result = try load(
            """
            x-top: 1
            services:
              app: {image: x, x-mine: {any: thing}}
            networks:
              net: {x-note: n}
            volumes:
              vol: {x-note: v}
            """)
        #expect(result.warnings.isEmpty, "\(result.warnings)")
        #expect(result.project.networks["net"]?.name == "demo_net")
        #expect(result.project.volumes["vol"]?.name == "demo_vol")
    }

    @Test("keys Compose defines but swiftstack does not support warn with their line")
    func unsupportedKeys() throws {
        let result = try load(
            """
            version: "3.8"
            services:
              app:
                image: x
                privileged: true
                logging: {driver: json-file}
                dns: [1.1.1.1]
            secrets:
              token: {file: ./token}
            """)
        let byLine = Dictionary(result.warnings.map { ($0.location?.line ?? 0, $0.message) }) { a, _ in a }
        #expect(byLine[1]?.contains("`version` is obsolete") == true)
        #expect(byLine[5]?.contains("`services.app.privileged` is not supported") == true)
        #expect(byLine[6]?.contains("services.app.logging") == true)
        #expect(byLine[7]?.contains("services.app.dns") == true)
        #expect(byLine[8]?.contains("`secrets`") == true)
    }

    @Test(
        "project name: -p, else name:, else the directory, normalised",
        arguments: [
            (nil as String?, nil as String?, "demo"),
            (nil, "My Stack.v2", "mystackv2"),
            ("CLI_Name", "ignored", "cli_name"),
            ("-_lead", nil, "lead"),
        ])
    func projectName(_ flag: String?, _ fileName: String?, _ expected: String) throws {
        let yaml = (fileName.map { "name: \($0)\n" } ?? "") + "services:\n  app: {image: x}\n"
        let project = try load(yaml) { $0.projectName = flag }.project
        #expect(project.name == expected)
        #expect(project.networks["default"]?.name == "\(expected)_default")
    }

    @Test("COMPOSE_PROJECT_NAME sits between -p and name:")
    func composeProjectName() throws {
        let yaml = "name: from-file\nservices:\n  app: {image: x}\n"
        #expect(try load(yaml, environment: ["COMPOSE_PROJECT_NAME": "from-env"]).project.name == "from-env")
        #expect(try load(yaml, extraFiles: [".env": "COMPOSE_PROJECT_NAME=dotenv"]).project.name == "dotenv")
        #expect(
            try load(yaml, environment: ["COMPOSE_PROJECT_NAME": "from-env"]) { $0.projectName = "flag" }.project.name
                == "flag")
    }

    @Test(
        "services with profiles load only when a profile is active",
        arguments: [
            ([] as [String], nil as String?, ["always"]),
            (["debug"], nil, ["always", "debugger"]),
            ([], "debug,tools", ["always", "debugger", "toolbox"]),
            (["*"], nil, ["always", "debugger", "toolbox"]),
        ])
    func profiles(_ flags: [String], _ variable: String?, _ expected: [String]) throws {
        let yaml = """
            services:
              always: {image: x}
              debugger: {image: x, profiles: [debug]}
              toolbox: {image: x, profiles: [tools, ops]}
            """
        let project = try load(yaml, environment: variable.map { ["COMPOSE_PROFILES": $0] } ?? [:]) {
            $0.profiles = flags
        }.project
        #expect(project.serviceNames == expected)
    }

    @Test("a project name with no usable character is an error")
    func emptyProjectName() {
        #expect(throws: StackFileError.self) { try load("name: \"!!!\"\nservices:\n  app: {image: x}\n") }
    }

    @Test(
        "discovery: compose.yaml first, then the override file",
        arguments: [
            (["compose.yaml", "docker-compose.yml"], "compose.yaml", nil as String?),
            (["compose.yml", "docker-compose.yaml"], "compose.yml", nil),
            (["docker-compose.yaml", "docker-compose.yml"], "docker-compose.yaml", nil),
            (["docker-compose.yml"], "docker-compose.yml", nil),
            (["compose.yaml", "compose.override.yaml"], "compose.yaml", "compose.override.yaml"),
            (
                ["docker-compose.yml", "docker-compose.override.yml"], "docker-compose.yml",
                "docker-compose.override.yml"
            ),
        ])
    func discovery(_ present: [String], _ base: String, _ override: String?) throws {
        var files: [String: String] = [:]
        for name in present { files[name] = "services:\n  app: {image: \(name)}\n" }
        if let override { files[override] = "services:\n  app: {image: overridden}\n" }
        try withProject(files) { directory in
            let project = try StackLoader.load(LoadOptions(workingDirectory: directory)).project
            #expect(project.files.map(PathResolution.baseName) == [base] + (override.map { [$0] } ?? []))
            #expect(project.services["app"]?.image == (override == nil ? base : "overridden"))
            #expect(project.workingDirectory == directory)
        }
    }

    @Test("no stack file, or a missing -f file, is notFound")
    func notFound() throws {
        try withProject([:]) { directory in
            for files in [[], ["missing.yaml"]] {
                do {
                    _ = try StackLoader.load(LoadOptions(files: files, workingDirectory: directory))
                    Issue.record("expected notFound")
                } catch let error as StackFileError {
                    #expect(error.code == .notFound)
                }
            }
        }
    }

    @Test("relative paths start at the first file's directory, or --project-directory")
    func projectDirectory() throws {
        try withProject([
            "stacks/app.yaml": "services:\n  app: {image: x, build: ./src, volumes: [./data:/data]}\n",
            "stacks/.env": "", "stacks/src/.keep": "", "stacks/data/.keep": "",
        ]) { directory in
            let fromFile = try StackLoader.load(LoadOptions(files: ["stacks/app.yaml"], workingDirectory: directory))
                .project
            #expect(fromFile.workingDirectory == directory + "/stacks")
            #expect(fromFile.name == "stacks")
            #expect(fromFile.services["app"]?.build?.context == directory + "/stacks/src")
            #expect(fromFile.services["app"]?.volumes.first?.source == directory + "/stacks/data")
            let explicit = try StackLoader.load(
                LoadOptions(files: ["stacks/app.yaml"], workingDirectory: directory, projectDirectory: ".")
            ).project
            #expect(explicit.services["app"]?.build?.context == directory + "/src")
        }
    }

    @Test(
        "error codes say which phase failed",
        arguments: [
            ("services: [unclosed", StackFileError.Code.syntax),
            ("services:\n  a: {image: \"${NEED:?}\"}", .interpolation),
            ("services:\n  a: {image: x, restart: sometimes}", .invalid),
        ])
    func errorCodes(_ yaml: String, _ code: StackFileError.Code) throws {
        do {
            _ = try load(yaml)
            Issue.record("expected an error")
        } catch let error as StackFileError {
            #expect(error.code == code)
            #expect(error.description.hasPrefix("compose.yaml:"))
        }
    }

    @Test("the source map points into the file for every kind of value")
    func sourceMap() throws {
        let project = try load(
            """
            services:
              web:
                image: x
                ports:
                  - "8080:80"
                environment:
                  A: "1"
                depends_on: [db]
              db: {image: y}
            """
        ).project
        let map = project.sourceMap
        #expect(map.location(of: "services.web.image").map { "\($0.line):\($0.column)" } == "3:12")
        #expect(map.location(of: "services.web.ports.0").map { "\($0.line):\($0.column)" } == "5:9")
        #expect(map.location(of: "services.web.environment.A").map { "\($0.line):\($0.column)" } == "7:10")
        #expect(map.location(of: "services.web.depends_on.db").map { "\($0.line):\($0.column)" } == "8:18")
        #expect(map.location(of: "services.web.ports").map { "\($0.line):\($0.column)" } == "4:5")
        #expect(map.location(of: "services.db.image").map { "\($0.line):\($0.column)" } == "9:15")
        #expect(map.location(of: "services.web.environment.A")?.file == "compose.yaml")
    }

    @Test("bind sources: missing ones warn, absolute ones may be anywhere")
    func bindSources() throws {
        let result = try load(
            """
            services:
              app:
                image: x
                volumes: [/definitely/not/here:/a, /etc:/host-etc:ro]
            """)
        #expect(result.warnings.count == 1)
        #expect(result.warnings.first?.message.contains("/definitely/not/here does not exist") == true)
        #expect(result.warnings.first?.location?.line == 4)
    }

    @Test(
        "relative bind sources may climb out of the project directory only within its repository or the working directory"
    )
    func bindContainment() throws {
        let stack = "services:\n  app: {image: x, volumes: [../shared:/shared]}\n"
        try withProject([
            "repo/.git/HEAD": "", "repo/stacks/app.yaml": stack, "repo/shared/.keep": "", "elsewhere/app.yaml": stack,
        ]) { directory in
            // Inside a repository: fine from anywhere.
            let inRepository = try StackLoader.load(
                LoadOptions(files: ["app.yaml"], workingDirectory: directory + "/repo/stacks"))
            #expect(inRepository.project.services["app"]?.volumes.first?.source == directory + "/repo/shared")
            // No repository: only when the working directory holds the target.
            #expect(throws: StackFileError.self) {
                try StackLoader.load(LoadOptions(files: ["app.yaml"], workingDirectory: directory + "/elsewhere"))
            }
            let fromAbove = try StackLoader.load(
                LoadOptions(files: ["elsewhere/app.yaml"], workingDirectory: directory))
            #expect(fromAbove.project.services["app"]?.volumes.first?.source == directory + "/shared")
        }
    }

    @Test("valid fixture full.yaml loads with every key in place")
    func fullFixture() throws {
        let result = try StackLoader.load(LoadOptions(files: ["full.yaml"], workingDirectory: Self.validDirectory))
        #expect(result.warnings.isEmpty, "\(result.warnings)")
        let project = result.project
        #expect(project.name == "full_stack")
        #expect(project.serviceNames == ["api", "db", "sidecar"])
        #expect(project.services["db"]?.restart == .unlessStopped)
        #expect(project.services["db"]?.labels == ["com.example.stack": "full"])
        #expect(project.services["db"]?.environment == ["LOG_LEVEL": "info", "MYSQL_DATABASE": "app"])
        #expect(project.services["api"]?.labels == ["com.example.stack": "full-api"])
        #expect(project.services["api"]?.replicas == 2)
        #expect(project.services["api"]?.environment == ["DB_HOST": "db", "<<NOT_A_MERGE>>": "literal"])
        #expect(
            project.services["api"]?.build
                == Build(
                    context: Self.validDirectory, dockerfile: "api.Dockerfile", target: "runtime",
                    args: ["VERSION": "2"]))
        #expect(project.services["sidecar"]?.entrypoint == ["/bin/sh", "-c", "sleep infinity"])
        #expect(project.services["sidecar"]?.dependsOn["api"]?.restart == true)
        #expect(project.networks["default"] == nil, "no service uses the default network")
        #expect(project.networks["outside"] == Network(key: "outside", name: "shared-net", external: true))
        #expect(project.networks["back"]?.internal == true)
        #expect(project.volumes["kept"]?.name == "kept-forever")
        #expect(project.volumes["db-data"]?.labels == ["backup": "nightly"])
    }
}
