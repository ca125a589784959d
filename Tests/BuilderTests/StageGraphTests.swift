import Testing

@testable import Builder

@Suite struct StageGraphTests {
    /// The lesson's multi-stage crawler build.
    static let crawler = """
        FROM golang-builder AS builder
        LABEL maintainer="ops@example.com"
        WORKDIR /src
        COPY . .
        RUN go build -o /src/crawler ./cmd/crawler

        FROM busybox
        WORKDIR /app
        COPY --from=builder /src/crawler /app/crawler
        COPY config.toml /app/
        EXPOSE 8080
        CMD ["./crawler","worker"]
        """

    @Test func crawlerDockerfile() throws {
        let graph = try resolved(Self.crawler)
        #expect(graph.stages.count == 2)
        let builder = graph.stages[0]
        let final = graph.stages[1]
        #expect(builder.name == "builder")
        #expect(builder.base == .image("golang-builder"))
        #expect(final.base == .image("busybox"))
        #expect(final.stageDependencies == [0])
        #expect(final.imageDependencies == ["busybox"])
        #expect(try graph.requiredStages() == [[0], [1]])
        #expect(try graph.requiredStages(target: "builder") == [[0]])
        let copy = final.steps[2]
        #expect(copy.copySource == .stage(0))
        #expect(copy.expanded.arguments == .copy(sources: ["/src/crawler"], destination: "/app/crawler", isJSON: false))
        #expect(
            final.steps.map(\.expanded.description) == [
                "FROM busybox", "WORKDIR /app", "COPY --from=builder /src/crawler -> /app/crawler",
                "COPY config.toml -> /app/", "EXPOSE 8080", #"CMD ["./crawler", "worker"]"#,
            ])
        #expect(builder.steps[1].expanded.arguments == .labels([KeyValue("maintainer", "ops@example.com")]))
        #expect(builder.steps[4].runEnvironment == [])
    }

    @Test func globalArgumentsReachFromLinesOnly() throws {
        let source = "ARG VERSION=1.36\nARG IMAGE=busybox:${VERSION}\nFROM $IMAGE\nENV SEEN=\"[$VERSION]\""
        let graph = try resolved(source)
        #expect(graph.stages[0].base == .image("busybox:1.36"))
        #expect(graph.stages[0].environment == [KeyValue("SEEN", "[]")])
        #expect(graph.globalArguments["VERSION"] == "1.36")
        #expect(graph.globalArguments["IMAGE"] == "busybox:1.36")

        let overridden = try resolved(source, buildArguments: ["VERSION": "1.37"])
        #expect(overridden.stages[0].base == .image("busybox:1.37"))
    }

    @Test func platformArgumentsAreAutomaticInFromAndImportedByArg() throws {
        let graph = try resolved(
            "FROM --platform=$BUILDPLATFORM golang:$TARGETARCH\nENV A=[$TARGETARCH]\nARG TARGETARCH\nENV B=$TARGETARCH")
        let arch = Dockerfile.hostArchitecture
        #expect(graph.stages[0].platform == "linux/\(arch)")
        #expect(graph.stages[0].base == .image("golang:\(arch)"))
        #expect(graph.stages[0].environment == [KeyValue("A", "[]"), KeyValue("B", arch)])
        #expect(graph.unusedBuildArguments == [])
    }

    @Test func redeclaredArgumentImportsTheGlobalValue() throws {
        let graph = try resolved("ARG V=1\nFROM a\nARG V\nENV X=$V\nARG V=2\nENV Y=$V")
        #expect(graph.stages[0].environment == [KeyValue("X", "1"), KeyValue("Y", "2")])
        let overridden = try resolved("ARG V=1\nFROM a\nARG V\nENV X=$V\nARG V=2\nENV Y=$V", buildArguments: ["V": "9"])
        #expect(overridden.stages[0].environment == [KeyValue("X", "9"), KeyValue("Y", "9")])
    }

    @Test func envBeatsArgWhateverTheOrder() throws {
        let graph = try resolved("FROM a\nARG A=arg\nENV A=env\nENV B=$A\nENV C=env2\nARG C=arg2\nRUN echo\nENV D=$C")
        let stage = graph.stages[0]
        #expect(
            stage.environment == [
                KeyValue("A", "env"), KeyValue("B", "env"), KeyValue("C", "env2"), KeyValue("D", "env2"),
            ])
        #expect(
            stage.steps[6].runEnvironment == [
                EnvironmentEntry("A", "env", isBuildArgument: false),
                EnvironmentEntry("B", "env", isBuildArgument: false),
                EnvironmentEntry("C", "env2", isBuildArgument: false),
            ])
    }

    @Test func argumentsReachRunButAreNotSaved() throws {
        let graph = try resolved(
            "FROM scratch\nARG TOKEN=secret\nARG EMPTY\nENV MODE=prod\nRUN fetch $TOKEN",
            buildArguments: ["https_proxy": "http://p:3128"])
        let stage = graph.stages[0]
        #expect(
            stage.steps[4].runEnvironment == [
                EnvironmentEntry("PATH", Dockerfile.defaultPath, isBuildArgument: false),
                EnvironmentEntry("MODE", "prod", isBuildArgument: false),
                EnvironmentEntry("TOKEN", "secret", isBuildArgument: true),
                EnvironmentEntry("https_proxy", "http://p:3128", isBuildArgument: true),
            ])
        #expect(stage.environment == [KeyValue("PATH", Dockerfile.defaultPath), KeyValue("MODE", "prod")])
        #expect(graph.runEnvironment(atLine: 5) == stage.steps[4].runEnvironment)
        #expect(graph.runEnvironment(atLine: 4) == nil)
        // The shell expands RUN, not the builder.
        #expect(stage.steps[4].expanded.arguments == .command(.shell("fetch $TOKEN")))
        #expect(graph.unusedBuildArguments == [])
    }

    @Test func buildArgumentsOverrideDefaultsAndUnusedOnesAreReported() throws {
        let graph = try resolved(
            "FROM a\nARG MODE=debug\nENV M=$MODE", buildArguments: ["MODE": "release", "TYPO": "1"])
        #expect(graph.stages[0].environment == [KeyValue("M", "release")])
        #expect(graph.unusedBuildArguments == ["TYPO"])
    }

    @Test func envPairsSeeTheEnvironmentFromBeforeTheInstruction() throws {
        let graph = try resolved("FROM a\nENV abc=hello\nENV abc=bye def=$abc\nENV ghi=$abc")
        #expect(
            graph.stages[0].environment == [KeyValue("abc", "bye"), KeyValue("def", "hello"), KeyValue("ghi", "bye")])
    }

    @Test func substitutionAppliesExactlyWhereDockerAppliesIt() throws {
        let source = """
            FROM a
            ARG U=app
            ARG P="80 443"
            ENV DIR=/srv/$U
            WORKDIR $DIR
            USER ${U}:staff
            COPY --chown=$U:$U --chmod=0644 ${U}.conf "$DIR/conf"
            EXPOSE $P 53/udp
            VOLUME ["$DIR/data"]
            STOPSIGNAL ${SIG:-SIGINT}
            LABEL "org.opencontainers.image.title"="$U service"
            RUN --mount=type=cache,target=/cache/$U echo $DIR
            CMD echo $DIR
            ENTRYPOINT ["echo", "$DIR"]
            ONBUILD RUN echo $U
            """
        let steps = try resolved(source).stages[0].steps.map(\.expanded.description)
        #expect(
            steps == [
                "FROM a", "ARG U=app", "ARG P=80 443", "ENV DIR=/srv/app", "WORKDIR /srv/app", "USER app:staff",
                "COPY --chown=app:app --chmod=0644 app.conf -> /srv/app/conf", "EXPOSE 80 443 53/udp",
                "VOLUME json /srv/app/data", "STOPSIGNAL SIGINT", "LABEL org.opencontainers.image.title=app service",
                "RUN --mount=type=cache,target=/cache/app sh: echo $DIR", "CMD sh: echo $DIR",
                #"ENTRYPOINT ["echo", "$DIR"]"#, "ONBUILD RUN sh: echo $U",
            ])
    }

    @Test func copyHeredocBodiesExpandUnlessQuoted() throws {
        let graph = try resolved("FROM a\nENV NAME=world\nCOPY <<EOF <<'RAW' /dst/\nhello \"$NAME\"\nEOF\n$NAME\nRAW")
        #expect(graph.stages[0].steps[2].expanded.heredocs.map(\.content) == ["hello \"world\"\n", "$NAME\n"])
    }

    @Test func independentStagesFormParallelWaves() throws {
        let source = """
            FROM alpine AS base
            FROM base AS frontend
            RUN build ui
            FROM base AS backend
            RUN build api
            FROM alpine AS unused
            FROM busybox
            COPY --from=frontend /ui /ui
            COPY --from=backend /api /api
            COPY --from=docs-image /docs /docs
            """
        let graph = try resolved(source)
        #expect(try graph.requiredStages() == [[0], [1, 2], [4]])
        #expect(try graph.requiredStages(target: "backend") == [[0], [2]])
        #expect(try graph.requiredStages(target: "UNUSED") == [[3]])
        #expect(try graph.requiredStages(target: "4") == [[0], [1, 2], [4]])
        #expect(try graph.buildOrder() == [0, 1, 2, 4])
        #expect(graph.stages[4].imageDependencies == ["busybox", "docs-image"])
        #expect(graph.stages[1].base == .stage(0))
    }

    @Test func copyFromIndex() throws {
        let graph = try resolved("FROM a\nRUN x\nFROM b\nCOPY --from=0 /x /x")
        #expect(graph.stages[1].steps[1].copySource == .stage(0))
        #expect(try graph.requiredStages() == [[0], [1]])
    }

    @Test func stageInheritsEnvAndRunsOnbuildTriggersFirst() throws {
        let source =
            "FROM scratch AS parent\nENV X=1\nONBUILD ENV Y=$X\nONBUILD COPY --from=tools /t /t\nFROM parent\nRUN env"
        let graph = try resolved(source)
        let child = graph.stages[1]
        #expect(child.steps.map(\.triggeredBy) == [nil, 3, 4, nil])
        #expect(
            child.environment == [KeyValue("PATH", Dockerfile.defaultPath), KeyValue("X", "1"), KeyValue("Y", "1")])
        #expect(child.imageDependencies == ["tools"])
        #expect(graph.stages[0].onbuildTriggers.count == 2)
        // A parent's triggers do not run in the parent itself.
        #expect(graph.stages[0].environment == [KeyValue("PATH", Dockerfile.defaultPath), KeyValue("X", "1")])
    }

    @Test func imageBaseEnvironmentIsInherited() throws {
        let graph = try resolved("FROM busybox\nENV PATH=$PATH:/app\nRUN x") { image in
            image == "busybox"
                ? BaseImage(environment: [KeyValue("PATH", "/bin"), KeyValue("HOME", "/root")]) : BaseImage()
        }
        #expect(graph.stages[0].environment == [KeyValue("PATH", "/bin:/app"), KeyValue("HOME", "/root")])
    }

    @Test func baseImageOnbuildTriggersRunFirst() throws {
        let image = BaseImage(
            environment: [KeyValue("A", "1")], onbuildTriggers: ["ENV B=$A", "COPY --from=tools /t /t"])
        let graph = try resolved("FROM app-base\nRUN x") { $0 == "app-base" ? image : BaseImage() }
        let stage = graph.stages[0]
        #expect(
            stage.steps.map(\.expanded.description) == [
                "FROM app-base", "ENV B=1", "COPY --from=tools /t -> /t", "RUN sh: x",
            ])
        #expect(stage.steps.map(\.triggeredBy) == [nil, 1, 1, nil])
        #expect(stage.imageDependencies == ["app-base", "tools"])

        let broken = BaseImage(onbuildTriggers: ["ONBUILD RUN x"])
        #expect(throws: BuilderError.self) { try resolved("FROM app-base") { _ in broken } }
    }

    @Test func stageNamedLikeItsBaseImageUsesTheImage() throws {
        let graph = try resolved("FROM golang AS golang\nFROM golang\nFROM busybox\nCOPY --from=golang /a /a")
        #expect(graph.stages[0].base == .image("golang"))
        #expect(graph.stages[1].base == .stage(0))
        #expect(graph.stages[2].steps[1].copySource == .stage(0))
    }

    struct ResolveErrorCase: Sendable, CustomTestStringConvertible {
        let name: String
        let source: String
        let target: String?
        /// The images the store holds; nil: any name is an image.
        let images: [String]?
        let code: BuilderError.Code
        let line: Int?
        let message: String
        let hint: String?
        var testDescription: String { name }
    }

    static let errorCases: [ResolveErrorCase] = [
        ResolveErrorCase(
            name: "COPY --from index of a later stage", source: "FROM a\nCOPY --from=1 /x /x\nFROM b", target: nil,
            images: nil, code: .missingStage, line: 2, message: "COPY --from=1 does not name an earlier stage",
            hint: "this is the first stage"),
        ResolveErrorCase(
            name: "COPY --from index out of range", source: "FROM a\nFROM b\nCOPY --from=7 /x /x", target: nil,
            images: nil, code: .missingStage, line: 3, message: "does not name an earlier stage",
            hint: "earlier stages are 0…0"),
        ResolveErrorCase(
            name: "COPY --from a misspelt stage", source: "FROM a AS builder\nFROM b\nCOPY --from=buildr /x /x",
            target: nil,
            images: ["a", "b"], code: .missingStage, line: 3, message: "no stage or image named 'buildr'",
            hint: "did you mean stage 'builder'?"),
        ResolveErrorCase(
            name: "COPY --from a later stage", source: "FROM b\nCOPY --from=later /x /x\nFROM a AS later", target: nil,
            images: ["a", "b"], code: .missingStage, line: 2, message: "no stage or image named 'later'",
            hint: "defined later, on line 3"),
        ResolveErrorCase(
            name: "FROM a missing image", source: "FROM nothing-here\nRUN x", target: nil, images: ["a", "b"],
            code: .missingStage, line: 1, message: "FROM nothing-here: no stage or image named 'nothing-here'",
            hint: nil),
        ResolveErrorCase(
            name: "unknown target", source: "FROM a AS builder\nFROM b AS final", target: "buidler", images: nil,
            code: .missingStage, line: nil, message: "target stage 'buidler' could not be found",
            hint: "did you mean 'builder'?"),
        ResolveErrorCase(
            name: "required variable unset", source: "FROM a\nRUN ok\nWORKDIR ${APP:?set APP with --build-arg}",
            target: nil,
            images: nil, code: .substitution, line: 3, message: "APP: set APP with --build-arg", hint: nil),
        ResolveErrorCase(
            name: "bad substitution in FROM", source: "ARG V\nFROM busybox:${V", target: nil, images: nil,
            code: .substitution, line: 2, message: "missing '}'", hint: nil),
        ResolveErrorCase(
            name: "EXPOSE variable expanding to a bad port", source: "FROM a\nARG P=http\nEXPOSE $P", target: nil,
            images: nil, code: .invalidArguments, line: 3, message: "invalid port 'http'", hint: nil),
    ]

    @Test(arguments: errorCases)
    func rejects(_ testCase: ResolveErrorCase) throws {
        let error = try #require(
            resolveError(
                testCase.source, imageExists: testCase.images.map { images in { images.contains($0) } },
                target: testCase.target))
        #expect(error.code == testCase.code)
        #expect(error.line == testCase.line)
        #expect(error.message.contains(testCase.message), "message: \(error.message)")
        if let hint = testCase.hint {
            #expect(error.hint?.contains(hint) == true, "hint: \(error.hint ?? "none")")
        }
    }

    @Test func thousandsOfEnvAndArgLinesResolveInLinearTime() throws {
        var source = "FROM scratch\n"
        for index in 0..<5_000 { source += "ENV V\(index)=${V\(max(0, index - 1))}x\nARG A\(index)=\(index)\n" }
        source += "RUN env\n"
        let start = ContinuousClock.now
        let graph = try resolved(source)
        let elapsed = ContinuousClock.now - start
        let stage = graph.stages[0]
        #expect(stage.environment.count == 5_001)
        #expect(stage.environment.last?.key == "V4999")
        #expect(stage.environment.last?.value.count == 5_000)
        #expect(stage.steps.last?.runEnvironment?.count == 10_001)
        #expect(elapsed < .seconds(20))
    }

    @Test func everyResolveProblemIsReported() throws {
        let error = try #require(
            resolveError("FROM a\nWORKDIR ${A:?}\nFROM b\nCOPY --from=5 /x /x\nUSER ${B:?}"))
        #expect(error.diagnostics.map(\.line) == [2, 4, 5])
    }
}
