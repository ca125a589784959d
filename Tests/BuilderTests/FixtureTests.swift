import Foundation
import Testing

@testable import Builder

/// Whole Dockerfiles read from disk, as the CLI will read them.
@Suite struct FixtureTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func path(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    @Test func crawlerFromDisk() throws {
        let file = try DockerfileParser.parse(
            contentsOfFile: Self.path("crawler.Dockerfile"), displayName: "crawler.Dockerfile")
        #expect(file.file == "crawler.Dockerfile")
        #expect(
            file.instructions.map(rendered) == [
                "2 FROM golang-builder AS builder", #"3 LABEL maintainer="crawler-team@example.com""#, "4 WORKDIR /src",
                "5 COPY . -> .", "6 RUN sh: go build -o /src/crawler ./cmd/crawler", "8 FROM busybox", "9 WORKDIR /app",
                "10 COPY --from=builder /src/crawler -> /app/crawler", "11 COPY config.toml -> /app/", "12 EXPOSE 8080",
                #"13 CMD ["./crawler", "worker"]"#,
            ])
        let graph = try file.resolve()
        #expect(try graph.requiredStages() == [[0], [1]])
    }

    @Test func crawlerIgnoreFileBesideTheDockerfile() throws {
        let (ignore, source) = try DockerIgnore.load(
            contextDirectory: Self.fixtures.path, dockerfilePath: Self.path("crawler.Dockerfile"))
        #expect(source == Self.path("crawler.Dockerfile.dockerignore"))
        #expect(ignore.excludes(path: "logs/today.log"))
        #expect(ignore.excludes(path: ".git/HEAD"))
        #expect(ignore.excludes(path: "tmp/scratch"))
        #expect(!ignore.excludes(path: "tmp/keep.txt"))
        #expect(ignore.mayContainIncluded(directory: "tmp"))
        #expect(!ignore.mayContainIncluded(directory: ".git"))
        #expect(!ignore.excludes(path: "config.toml"))
    }

    @Test func serviceWithPlatformArgsMountsHeredocsAndHealthcheck() throws {
        let file = try DockerfileParser.parse(
            contentsOfFile: Self.path("service.Dockerfile"), displayName: "service.Dockerfile")
        #expect(file.directives.syntax == "docker/dockerfile:1.7")
        #expect(file.stages.map(\.displayName) == ["build", "test", "2"])
        let graph = try file.resolve(buildArguments: ["VERSION": "1.4.2"])
        let arch = Dockerfile.hostArchitecture
        let build = graph.stages[0]
        #expect(build.base == .image("golang:1.22"))
        #expect(build.platform == "linux/\(arch)")
        #expect(build.environment == [KeyValue("CGO_ENABLED", "0"), KeyValue("GOARCH", arch)])
        let compile = try #require(build.steps.first { $0.instruction.line == 16 })
        #expect(compile.instruction.lines == 16...19)
        #expect(compile.instruction.flagValues("mount") == ["type=cache,target=/root/.cache/go-build"])
        #expect(
            compile.instruction.heredocs.first?.content.hasPrefix(
                "set -e\ngo build -ldflags \"-X main.version=${VERSION}\"") == true)
        #expect(compile.runEnvironment?.filter(\.isBuildArgument).map(\.name) == ["TARGETARCH", "VERSION"])
        #expect(compile.runEnvironment?.first { $0.name == "VERSION" }?.value == "1.4.2")
        let download = try #require(build.steps.first { $0.instruction.line == 12 })
        #expect(download.instruction.lines == 12...14)
        #expect(download.instruction.arguments == .command(.shell("go mod download")))

        let final = graph.stages[2]
        #expect(final.base == .image("busybox:1.36"))
        #expect(final.stageDependencies == [0])
        #expect(try graph.requiredStages() == [[0], [2]])
        #expect(try graph.requiredStages(target: "test") == [[0], [1]])
        let config = try #require(final.steps.first { $0.instruction.line == 26 })
        // Quoted delimiter: no expansion; `<<-` stripped the tabs.
        #expect(config.expanded.heredocs.first?.content == "listen = \":8080\"\nlevel = \"$LOG_LEVEL\"\n")
        let healthcheck = try #require(final.steps.first { $0.instruction.keyword == .healthcheck })
        #expect(
            healthcheck.instruction.arguments
                == .healthcheck(
                    .check(
                        .exec(["/usr/local/bin/server", "-health"]),
                        HealthcheckOptions(interval: .seconds(10), timeout: .seconds(2), retries: 3))))
        #expect(graph.unusedBuildArguments == [])
    }

    @Test func missingFileIsAnIOError() {
        do {
            _ = try DockerfileParser.parse(
                contentsOfFile: Self.path("absent.Dockerfile"), displayName: "absent.Dockerfile")
            Issue.record("expected an error")
        } catch let error as BuilderError {
            #expect(error.code == .io)
            #expect(error.file == "absent.Dockerfile")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
