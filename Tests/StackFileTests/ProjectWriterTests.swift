import Foundation
import Testing

@testable import StackFile

@Suite("swiftstack config output")
struct ProjectWriterTests {
    static var validDirectory: String { Bundle.module.resourceURL!.appendingPathComponent("Fixtures/valid").path }

    /// What must survive printing and loading again.
    struct Essence: Equatable {
        var name: String
        var services: [String: Service]
        var networks: [String: Network]
        var volumes: [String: Volume]
        init(_ project: Project) {
            (name, services, networks, volumes) = (project.name, project.services, project.networks, project.volumes)
        }
    }

    @Test("printed YAML and JSON load back to the same project", arguments: ["yaml", "json"])
    func roundTrip(_ format: String) throws {
        let original = try StackLoader.load(LoadOptions(files: ["full.yaml"], workingDirectory: Self.validDirectory))
            .project
        let printed = format == "yaml" ? ProjectWriter.yaml(original) : ProjectWriter.json(original)
        try withProject(["printed.\(format)": printed]) { directory in
            let reloaded = try StackLoader.load(LoadOptions(files: ["printed.\(format)"], workingDirectory: directory))
                .project
            #expect(Essence(reloaded) == Essence(original), "\(printed)")
        }
    }

    @Test("keys are sorted and ambiguous strings are quoted")
    func yamlShape() throws {
        let project = try load(
            """
            services:
              b:
                image: x
                environment: {PORT: "22:22", FLAG: "no", MODE: "0755", PLAIN: hello}
                ports: ["8081:8080"]
              a: {image: y}
            """
        ).project
        let yaml = ProjectWriter.yaml(project)
        #expect(
            yaml.hasPrefix(
                "name: demo\nnetworks:\n  default:\n    driver: bridge\n    name: demo_default\nservices:\n  a:\n"))
        #expect(yaml.contains("PORT: \"22:22\""))
        #expect(yaml.contains("FLAG: \"no\""))
        #expect(yaml.contains("MODE: \"0755\""))
        #expect(yaml.contains("PLAIN: hello"))
        #expect(
            yaml.contains(
                "      - mode: ingress\n        protocol: tcp\n        published: \"8081\"\n        target: 8080\n"))
    }

    @Test("JSON output is valid JSON with sorted keys")
    func json() throws {
        let project = try load("services:\n  app: {image: x, command: [\"a\\\"b\"]}\n").project
        let text = ProjectWriter.json(project)
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(object?["name"] as? String == "demo")
        let app = (object?["services"] as? [String: Any])?["app"] as? [String: Any]
        #expect(app?["command"] as? [String] == ["a\"b"])
        #expect(text.range(of: "\"name\"")!.lowerBound < text.range(of: "\"services\"")!.lowerBound)
    }
}
