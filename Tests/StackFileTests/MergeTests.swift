import Foundation
import Testing

@testable import StackFile

@Suite("Merging several -f files")
struct MergeTests {
    static var validDirectory: String { Bundle.module.resourceURL!.appendingPathComponent("Fixtures/valid").path }

    func merged() throws -> Project {
        try StackLoader.load(LoadOptions(files: ["base.yaml", "override.yaml"], workingDirectory: Self.validDirectory))
            .project
    }

    @Test("scalars replace, command and healthcheck.test replace whole")
    func replacement() throws {
        let web = try #require(try merged().services["web"])
        #expect(web.image == "web:2")
        #expect(web.command == ["serve", "--quiet"])
        #expect(web.entrypoint == ["/bin/sh", "-e"])
        #expect(web.healthcheck?.test == ["CMD", "false"])
        #expect(web.healthcheck?.interval == .seconds(10), "unmentioned healthcheck keys are kept")
    }

    @Test("environment and labels merge by key across syntaxes")
    func byKey() throws {
        let web = try #require(try merged().services["web"])
        #expect(web.environment == ["A": "base", "B": "override", "C": "new"])
        #expect(web.labels == ["tier": "web", "owner": "team"])
    }

    @Test("ports, expose and cap_add append what is new")
    func appendUnique() throws {
        let web = try #require(try merged().services["web"])
        #expect(
            web.ports == [
                Port(target: 80, published: 8080), Port(target: 443, published: 8443),
                Port(target: 9000, published: 9000),
            ])
        #expect(web.expose == ["80", "81"])
        #expect(web.capAdd == ["NET_ADMIN", "SYS_TIME"])
    }

    @Test("volumes merge by target")
    func volumesByTarget() throws {
        let web = try #require(try merged().services["web"])
        #expect(web.volumes.map(\.target) == ["/usr/share/html", "/data"])
        #expect(web.volumes[0].source == Self.validDirectory + "/other-html")
        #expect(web.volumes[0].readOnly == false)
    }

    @Test("depends_on list and map merge; new services are added; locations keep their file")
    func dependsOnAndServices() throws {
        let project = try merged()
        #expect(project.serviceNames == ["cache", "db", "web"])
        #expect(Set(project.services["web"]!.dependsOn.keys) == ["db", "cache"])
        #expect(project.sourceMap.location(of: "services.web.image")?.file == "override.yaml")
        #expect(project.sourceMap.location(of: "services.db.image")?.file == "base.yaml")
        #expect(project.name == "merged")
        #expect(project.files.map(PathResolution.baseName) == ["base.yaml", "override.yaml"])
    }

    @Test("the order of -f decides who wins")
    func order() throws {
        let project = try StackLoader.load(
            LoadOptions(files: ["override.yaml", "base.yaml"], workingDirectory: Self.validDirectory)
        ).project
        #expect(project.services["web"]?.image == "web:1")
        #expect(project.services["web"]?.command == ["serve", "--verbose"])
        #expect(project.services["web"]?.environment["B"] == "base")
    }

    @Test("errors in the second file name the second file")
    func errorLocation() throws {
        try withProject([
            "a.yaml": "services:\n  web: {image: x}\n", "b.yaml": "services:\n  web:\n    restart: maybe\n",
        ]) { directory in
            do {
                _ = try StackLoader.load(LoadOptions(files: ["a.yaml", "b.yaml"], workingDirectory: directory))
                Issue.record("expected an error")
            } catch let error as StackFileError {
                #expect(error.errors.first?.location == SourceLocation(file: "b.yaml", line: 3, column: 14))
            }
        }
    }
}
