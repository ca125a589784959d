import Testing

@testable import Builder

/// A Dockerfile and the instructions it must parse into (line range and compact rendering).
struct ParseCase: Sendable, CustomTestStringConvertible {
    let name: String
    let source: String
    let expected: [String]
    init(_ name: String, _ source: String, _ expected: [String]) {
        self.name = name
        self.source = source
        self.expected = expected
    }
    var testDescription: String { name }
}

/// A Dockerfile that must fail: the code, the line and a part of the message (and hint).
struct ParseErrorCase: Sendable, CustomTestStringConvertible {
    let name: String
    let source: String
    let code: BuilderError.Code
    let line: Int?
    let message: String
    let hint: String?
    init(
        _ name: String, _ source: String, _ code: BuilderError.Code, line: Int?, _ message: String, hint: String? = nil
    ) {
        self.name = name
        self.source = source
        self.code = code
        self.line = line
        self.message = message
        self.hint = hint
    }
    var testDescription: String { name }
}

@Suite struct ParserTests {
    static let cases: [ParseCase] = [
        // Parser directives.
        ParseCase(
            "escape directive: backtick continues lines", "# escape=`\nFROM alpine\nRUN echo a `\n  b",
            ["2 FROM alpine", "3-4 RUN sh: echo a   b"]),
        ParseCase(
            "escape directive with spaces around =", "#  escape = `  \nFROM alpine\nRUN dir c:\\ `\n && echo",
            ["2 FROM alpine", "3-4 RUN sh: dir c:\\  && echo"]),
        ParseCase(
            "unknown directive is a comment and ends the directives",
            "# foo=bar\n# escape=`\nFROM a\nRUN x `", ["3 FROM a", "4 RUN sh: x `"]),
        ParseCase(
            "directive after an instruction is a comment", "FROM a\n# escape=`\nRUN a \\\n b",
            ["1 FROM a", "3-4 RUN sh: a  b"]),
        ParseCase(
            "directive after a blank line is a comment", "\n# escape=`\nFROM a\nRUN a \\\n b",
            ["3 FROM a", "4-5 RUN sh: a  b"]),
        ParseCase(
            "directive after another comment is a comment", "# hello\n# escape=`\nFROM a\nRUN a `",
            ["3 FROM a", "4 RUN sh: a `"]),
        // Continuations.
        ParseCase(
            "continuation joins lines", "FROM a\nRUN echo \\\n  hello", ["1 FROM a", "2-3 RUN sh: echo   hello"]),
        ParseCase(
            "comment inside a continuation is dropped", "FROM a\nRUN a \\\n# comment\n  # indented comment\n b",
            ["1 FROM a", "2-5 RUN sh: a  b"]),
        ParseCase(
            "blank lines inside a continuation are dropped", "FROM a\nRUN a \\\n\n   \n b",
            ["1 FROM a", "2-5 RUN sh: a  b"]),
        ParseCase(
            "whitespace after the escape still continues", "FROM a\nRUN a \\ \t \n b", ["1 FROM a", "2-3 RUN sh: a  b"]),
        ParseCase(
            "an escaped escape is not a continuation", "FROM a\nRUN echo a\\\\\nRUN b",
            ["1 FROM a", "2 RUN sh: echo a\\\\", "3 RUN sh: b"]),
        ParseCase("continuation at end of file", "FROM a\nRUN echo \\", ["1 FROM a", "2 RUN sh: echo"]),
        ParseCase(
            "a line holding only the escape continues", "FROM a\nRUN a \\\n\\\n b", ["1 FROM a", "2-4 RUN sh: a  b"]),
        ParseCase(
            "continuation of FROM and COPY", "FROM \\\n alpine \\\n AS base\nCOPY a \\\n  /b",
            ["1-3 FROM alpine AS base", "4-5 COPY a -> /b"]),
        ParseCase(
            "CRLF line endings", "FROM a\r\nRUN b \\\r\n c\r\n", ["1 FROM a", "2-3 RUN sh: b  c"]),
        ParseCase(
            "comments, blank lines and indentation", "  # c\n\n\tFROM a\n   RUN b\n# trailing",
            ["3 FROM a", "4 RUN sh: b"]),
        ParseCase(
            "keywords are case-insensitive", "from alpine as Build\nrun echo",
            ["1 FROM alpine AS build", "2 RUN sh: echo"]),
        ParseCase(
            "a # inside an instruction is not a comment", "FROM a\nRUN echo # not a comment",
            ["1 FROM a", "2 RUN sh: echo # not a comment"]),
        ParseCase("byte-order mark is ignored", "\u{FEFF}FROM a", ["1 FROM a"]),
        // Exec and shell forms.
        ParseCase(
            "CMD exec form", #"FROM a"# + "\n" + #"CMD ["./crawler","worker"]"#,
            ["1 FROM a", #"2 CMD ["./crawler", "worker"]"#]),
        ParseCase(
            "invalid JSON falls back to the shell form", "FROM a\nCMD [echo, hi]\nENTRYPOINT [\"a\",]",
            ["1 FROM a", "2 CMD sh: [echo, hi]", "3 ENTRYPOINT sh: [\"a\",]"]),
        ParseCase(
            "JSON escapes are decoded", #"FROM a"# + "\n" + #"ENTRYPOINT ["echo", "a\"b", "\u00e9\t"]"#,
            ["1 FROM a", #"2 ENTRYPOINT ["echo", "a\"b", "é\t"]"#]),
        ParseCase(
            "RUN exec form", "FROM a\nRUN [\"/bin/sh\", \"-c\", \"echo hi\"]",
            ["1 FROM a", #"2 RUN ["/bin/sh", "-c", "echo hi"]"#]),
        ParseCase("empty exec form", "FROM a\nENTRYPOINT []", ["1 FROM a", "2 ENTRYPOINT []"]),
        ParseCase(
            "SHELL JSON", "FROM a\nSHELL [\"/bin/bash\", \"-c\"]", ["1 FROM a", #"2 SHELL ["/bin/bash", "-c"]"#]),
        ParseCase(
            "COPY JSON form with spaces", "FROM a\nCOPY [\"my file.txt\", \"/dst dir/\"]",
            ["1 FROM a", "2 COPY json my file.txt -> /dst dir/"]),
        ParseCase("COPY several sources", "FROM a\nCOPY a b c /dst/", ["1 FROM a", "2 COPY a b c -> /dst/"]),
        ParseCase(
            "COPY flags", "FROM a\nCOPY --from=builder --chown=app:app --chmod=0755 /src/crawler /app/crawler",
            ["1 FROM a", "2 COPY --from=builder --chown=app:app --chmod=0755 /src/crawler -> /app/crawler"]),
        ParseCase(
            "quoted flag values lose their quotes", "FROM a\nCOPY --chown=\"app:app\" x /y",
            ["1 FROM a", "2 COPY --chown=app:app x -> /y"]),
        ParseCase(
            "-- ends the flags", "FROM a\nCOPY -- --weird /dst", ["1 FROM a", "2 COPY --weird -> /dst"]),
        ParseCase(
            "ADD flags", "FROM a\nADD --link --checksum=sha256:abc --chmod=644 a.tar /x/",
            ["1 FROM a", "2 ADD --link --checksum=sha256:abc --chmod=644 a.tar -> /x/"]),
        ParseCase(
            "RUN records --mount (repeatable) and --network",
            "FROM a\nRUN --mount=type=cache,target=/c --mount=type=tmpfs,target=/t --network=none make",
            ["1 FROM a", "2 RUN --mount=type=cache,target=/c --mount=type=tmpfs,target=/t --network=none sh: make"]),
        ParseCase(
            "FROM --platform is recorded", "FROM --platform=linux/amd64 alpine AS x",
            ["1 FROM --platform=linux/amd64 alpine AS x"]),
        ParseCase(
            "ARG before FROM, FROM with a variable", "ARG BASE=alpine\nFROM $BASE",
            ["1 ARG BASE=alpine", "2 FROM $BASE"]),
        // Heredocs.
        ParseCase(
            "RUN heredoc", "FROM a\nRUN <<EOF\necho hi\nEOF", ["1 FROM a", #"2-4 RUN sh: <<EOF <<EOF "echo hi\n""#]),
        ParseCase(
            "heredoc body keeps comments and blank lines", "FROM a\nRUN <<EOF\n# keep\n\necho \\\nEOF\nRUN b",
            ["1 FROM a", ##"2-6 RUN sh: <<EOF <<EOF "# keep\n\necho \\\n""##, "7 RUN sh: b"]),
        ParseCase(
            "COPY heredoc to a destination", "FROM a\nCOPY <<EOF /etc/motd\nhello $USER\nEOF",
            ["1 FROM a", #"2-4 COPY <<EOF -> /etc/motd <<EOF "hello $USER\n""#]),
        ParseCase(
            "two heredocs on one line", "FROM a\nCOPY <<A <<B /dst/\na\nA\nb\nB",
            ["1 FROM a", #"2-6 COPY <<A <<B -> /dst/ <<A "a\n" <<B "b\n""#]),
        ParseCase(
            "<<- strips leading tabs from body and terminator", "FROM a\nRUN <<-EOT\n\techo a\n\t\techo b\n\tEOT",
            ["1 FROM a", #"2-5 RUN sh: <<-EOT <<-EOT "echo a\necho b\n""#]),
        ParseCase(
            "double-quoted delimiter disables expansion", "FROM a\nRUN <<\"EOF\"\necho $HOME\nEOF",
            ["1 FROM a", #"2-4 RUN sh: <<"EOF" <<EOF(literal) "echo $HOME\n""#]),
        ParseCase(
            "single-quoted delimiter disables expansion", "FROM a\nRUN <<'EOF' bash\necho $HOME\nEOF",
            ["1 FROM a", #"2-4 RUN sh: <<'EOF' bash <<EOF(literal) "echo $HOME\n""#]),
        ParseCase(
            "heredoc with a file descriptor", "FROM a\nRUN cat 3<<EOF\nx\nEOF",
            ["1 FROM a", #"2-4 RUN sh: cat 3<<EOF 3<<EOF "x\n""#]),
        ParseCase(
            "heredoc words in exec form are not heredocs", "FROM a\nRUN [\"cat\", \"<<EOF\"]\nRUN b",
            ["1 FROM a", #"2 RUN ["cat", "<<EOF"]"#, "3 RUN sh: b"]),
        ParseCase(
            "a line continued into a heredoc", "FROM a\nRUN python3 \\\n <<EOF\nprint(1)\nEOF",
            ["1 FROM a", #"2-5 RUN sh: python3  <<EOF <<EOF "print(1)\n""#]),
        // ENV, LABEL, ARG, MAINTAINER.
        ParseCase("ENV pairs", "FROM a\nENV a=b c=d", ["1 FROM a", "2 ENV a=b, c=d"]),
        ParseCase("legacy ENV takes the rest of the line", "FROM a\nENV a b c", ["1 FROM a", "2 ENV a=b c"]),
        ParseCase(
            "ENV values keep quotes and escapes until expansion",
            #"FROM a"# + "\n" + #"ENV A="hello world" B='x y' C=a\ b"#,
            ["1 FROM a", #"2 ENV A="hello world", B='x y', C=a\ b"#]),
        ParseCase("ENV empty value", "FROM a\nENV EMPTY= X=\"\"", ["1 FROM a", "2 ENV EMPTY=, X=\"\""]),
        ParseCase(
            "LABEL quoted keys and values", #"FROM a"# + "\n" + #"LABEL "com.example.vendor"="ACME Inc" version=1.0"#,
            ["1 FROM a", #"2 LABEL "com.example.vendor"="ACME Inc", version=1.0"#]),
        ParseCase(
            "legacy LABEL", "FROM a\nLABEL description a small image",
            ["1 FROM a", "2 LABEL description=a small image"]),
        ParseCase(
            "ARG names with and without defaults", "FROM a\nARG A B=2 C=\"x y\"", ["1 FROM a", "2 ARG A B=2 C=\"x y\""]),
        ParseCase(
            "MAINTAINER becomes the maintainer label", "FROM a\nMAINTAINER Jane Doe <jane@example.com>",
            ["1 FROM a", "2 MAINTAINER maintainer=Jane Doe <jane@example.com>"]),
        // EXPOSE, HEALTHCHECK, ONBUILD and the single-value instructions.
        ParseCase(
            "EXPOSE ports and protocols", "FROM a\nEXPOSE 80/tcp 53/udp 8000-8010 $PORT",
            ["1 FROM a", "2 EXPOSE 80/tcp 53/udp 8000-8010 $PORT"]),
        ParseCase("HEALTHCHECK NONE", "FROM a\nhealthcheck none", ["1 FROM a", "2 HEALTHCHECK NONE"]),
        ParseCase(
            "HEALTHCHECK with options",
            "FROM a\nHEALTHCHECK --interval=5s --timeout=1m30s --retries=3 CMD wget -q -O- http://localhost/",
            [
                "1 FROM a",
                "2 HEALTHCHECK --interval=5s --timeout=1m30s --retries=3 CMD sh: wget -q -O- http://localhost/ interval=5s timeout=90s retries=3",
            ]),
        ParseCase(
            "HEALTHCHECK exec form", "FROM a\nHEALTHCHECK CMD [\"/bin/check\"]",
            ["1 FROM a", #"2 HEALTHCHECK CMD ["/bin/check"]"#]),
        ParseCase("ONBUILD trigger", "FROM a\nONBUILD RUN echo $X", ["1 FROM a", "2 ONBUILD RUN sh: echo $X"]),
        ParseCase(
            "ONBUILD trigger with a heredoc", "FROM a\nONBUILD RUN <<EOF\necho hi\nEOF\nRUN b",
            ["1 FROM a", #"2-4 ONBUILD RUN sh: <<EOF <<EOF "echo hi\n""#, "5 RUN sh: b"]),
        ParseCase(
            "ONBUILD trigger with flags", "FROM a\nonbuild copy --from=base a /b",
            ["1 FROM a", "2 ONBUILD COPY --from=base a -> /b"]),
        ParseCase(
            "STOPSIGNAL, USER, WORKDIR", "FROM a\nSTOPSIGNAL SIGTERM\nSTOPSIGNAL 9\nUSER app:staff\nWORKDIR /my dir",
            ["1 FROM a", "2 STOPSIGNAL SIGTERM", "3 STOPSIGNAL 9", "4 USER app:staff", "5 WORKDIR /my dir"]),
        ParseCase(
            "VOLUME JSON and shell forms", "FROM a\nVOLUME [\"/a\", \"/b c\"]\nVOLUME /d /e",
            ["1 FROM a", "2 VOLUME json /a /b c", "3 VOLUME /d /e"]),
    ]

    @Test(arguments: cases)
    func parses(_ testCase: ParseCase) throws {
        #expect(try renderedInstructions(testCase.source) == testCase.expected)
    }

    static let errorCases: [ParseErrorCase] = [
        ParseErrorCase(
            "unknown instruction with a suggestion", "FROM a\nRUN x\nCOPPY a b", .unknownInstruction, line: 3,
            "unknown instruction 'COPPY'", hint: "did you mean COPY?"),
        ParseErrorCase(
            "unknown instruction far from any keyword", "FROM a\nFROBNICATE x", .unknownInstruction, line: 2,
            "unknown instruction 'FROBNICATE'", hint: "instructions are ADD, ARG"),
        ParseErrorCase(
            "duplicate escape directive", "# escape=`\n# escape=\\\nFROM a", .invalidDirective, line: 2,
            "only one 'escape'"),
        ParseErrorCase(
            "invalid escape character", "# escape=x\nFROM a", .invalidDirective, line: 1, "invalid escape character 'x'"
        ),
        ParseErrorCase("JSON array with non-strings", "FROM a\nCMD [1, 2]", .invalidArguments, line: 2, "only strings"),
        ParseErrorCase(
            "SHELL in shell form", "FROM a\nSHELL /bin/bash -c", .invalidArguments, line: 2,
            "SHELL requires the arguments in JSON form"),
        ParseErrorCase(
            "COPY with one argument", "FROM a\n\nCOPY onlyone", .invalidArguments, line: 3,
            "COPY requires at least two arguments"),
        ParseErrorCase(
            "ADD with one JSON argument", "FROM a\nADD [\"x\"]", .invalidArguments, line: 2,
            "ADD requires at least two arguments"),
        ParseErrorCase(
            "COPY unknown flag with a suggestion", "FROM a\nCOPY --form=builder a b", .invalidFlag, line: 2,
            "unknown flag '--form' on COPY", hint: "did you mean --from?"),
        ParseErrorCase(
            "COPY --chmod not octal", "FROM a\nCOPY --chmod=rwx a b", .invalidFlag, line: 2,
            "invalid --chmod value 'rwx'"),
        ParseErrorCase(
            "COPY --from without a value", "FROM a\nCOPY --from a b", .invalidFlag, line: 2,
            "flag '--from' needs a value"),
        ParseErrorCase("flag given twice", "FROM a\nCOPY --from=x --from=y a b", .invalidFlag, line: 2, "given twice"),
        ParseErrorCase(
            "RUN --network value", "FROM a\nRUN --network=bridge make", .invalidFlag, line: 2, "invalid --network value"
        ),
        ParseErrorCase(
            "ENV takes no flags", "FROM a\nENV --x=1 a=b", .invalidFlag, line: 2, "unknown flag '--x' on ENV",
            hint: "ENV takes no flags"),
        ParseErrorCase(
            "FROM with two arguments", "FROM a b", .invalidArguments, line: 1,
            "FROM requires either one argument or three"),
        ParseErrorCase(
            "FROM with a bad AS", "FROM a FOR b", .invalidArguments, line: 1,
            "FROM requires either one argument or three"),
        ParseErrorCase("invalid stage name", "FROM a AS 1abc", .invalidArguments, line: 1, "invalid stage name '1abc'"),
        ParseErrorCase(
            "duplicate stage name", "FROM a AS x\nFROM b AS X", .duplicateStage, line: 2, "duplicate stage name 'x'"),
        ParseErrorCase(
            "instruction before FROM", "ARG A\nRUN x\nFROM a", .noBuildStage, line: 2, "RUN before the first FROM"),
        ParseErrorCase("empty Dockerfile", "# only a comment\n\n", .noBuildStage, line: nil, "no FROM instruction"),
        ParseErrorCase("only ARGs", "ARG A=1", .noBuildStage, line: 1, "no FROM instruction"),
        ParseErrorCase(
            "unterminated heredoc", "FROM a\nRUN <<EOF\necho hi\n EOF", .unterminatedHeredoc, line: 2,
            "heredoc '<<EOF' is not terminated"),
        ParseErrorCase("ENV without =", "FROM a\nENV a=b c", .invalidArguments, line: 2, "can't find = in 'c'"),
        ParseErrorCase(
            "legacy ENV with one word", "FROM a\nENV a", .invalidArguments, line: 2, "ENV must have two arguments"),
        ParseErrorCase("ENV blank name", "FROM a\nENV =x", .invalidArguments, line: 2, "ENV names can not be blank"),
        ParseErrorCase("ARG blank name", "FROM a\nARG =x", .invalidArguments, line: 2, "ARG names can not be blank"),
        ParseErrorCase(
            "EXPOSE bad protocol", "FROM a\nEXPOSE 80/xyz", .invalidArguments, line: 2, "invalid port '80/xyz'"),
        ParseErrorCase(
            "EXPOSE out of range", "FROM a\nEXPOSE 70000", .invalidArguments, line: 2, "invalid port '70000'"),
        ParseErrorCase(
            "HEALTHCHECK NONE with arguments", "FROM a\nHEALTHCHECK NONE x", .invalidArguments, line: 2,
            "HEALTHCHECK NONE takes no arguments"),
        ParseErrorCase(
            "HEALTHCHECK NONE with flags", "FROM a\nHEALTHCHECK --retries=2 NONE", .invalidArguments, line: 2,
            "HEALTHCHECK NONE takes no arguments"),
        ParseErrorCase(
            "HEALTHCHECK unknown type", "FROM a\nHEALTHCHECK RUN x", .invalidArguments, line: 2,
            "unknown HEALTHCHECK type 'RUN'"),
        ParseErrorCase(
            "HEALTHCHECK bad interval", "FROM a\nHEALTHCHECK --interval=soon CMD x", .invalidFlag, line: 2,
            "invalid --interval value 'soon'"),
        ParseErrorCase(
            "HEALTHCHECK interval below 1ms", "FROM a\nHEALTHCHECK --interval=10us CMD x", .invalidFlag, line: 2,
            "cannot be less than 1ms"),
        ParseErrorCase(
            "HEALTHCHECK absurd duration", "FROM a\nHEALTHCHECK --timeout=99999999999999999h CMD x", .invalidFlag,
            line: 2, "invalid --timeout value"),
        ParseErrorCase(
            "HEALTHCHECK CMD without command", "FROM a\nHEALTHCHECK CMD", .invalidArguments, line: 2,
            "HEALTHCHECK CMD requires a command"),
        ParseErrorCase(
            "ONBUILD ONBUILD", "FROM a\nONBUILD ONBUILD RUN x", .invalidArguments, line: 2, "chaining ONBUILD"),
        ParseErrorCase(
            "ONBUILD FROM", "FROM a\nONBUILD FROM b", .invalidArguments, line: 2,
            "FROM isn't allowed as an ONBUILD trigger"),
        ParseErrorCase(
            "ONBUILD MAINTAINER", "FROM a\nONBUILD MAINTAINER me", .invalidArguments, line: 2,
            "MAINTAINER isn't allowed"),
        ParseErrorCase(
            "ONBUILD of an unknown instruction", "FROM a\nONBUILD RUM x", .unknownInstruction, line: 2,
            "unknown instruction 'RUM'", hint: "did you mean RUN?"),
        ParseErrorCase(
            "STOPSIGNAL unknown", "FROM a\nSTOPSIGNAL SIGNOPE", .invalidArguments, line: 2, "invalid signal 'SIGNOPE'"),
        ParseErrorCase(
            "USER with two words", "FROM a\nUSER a b", .invalidArguments, line: 2, "USER requires exactly one argument"),
        ParseErrorCase(
            "WORKDIR without a path", "FROM a\nWORKDIR", .invalidArguments, line: 2,
            "WORKDIR requires at least one argument"),
        ParseErrorCase(
            "RUN without a command", "FROM a\nRUN   ", .invalidArguments, line: 2, "RUN requires at least one argument"),
        ParseErrorCase(
            "VOLUME empty string", "FROM a\nVOLUME [\"\"]", .invalidArguments, line: 2, "VOLUME paths can not be empty"),
        ParseErrorCase("LABEL without =", "FROM a\nLABEL a=1 b", .invalidArguments, line: 2, "can't find = in 'b'"),
    ]

    @Test(arguments: errorCases)
    func rejects(_ testCase: ParseErrorCase) throws {
        let error = try #require(parseError(testCase.source), "expected a parse error")
        #expect(error.code == testCase.code)
        #expect(error.line == testCase.line)
        #expect(error.file == "Dockerfile")
        #expect(error.message.contains(testCase.message), "message: \(error.message)")
        if let hint = testCase.hint {
            #expect(error.hint?.contains(hint) == true, "hint: \(error.hint ?? "none")")
        }
    }

    @Test func unknownInstructionMessageNamesFileLineAndSuggestion() throws {
        let source = "FROM busybox\nLABEL a=b\nWORKDIR /app\n\n# copy\nRUN true\nCOPPY config.toml /app/\n"
        let error = try #require(parseError(source))
        #expect(error.description == "Dockerfile:7: unknown instruction 'COPPY' (did you mean COPY?)")
    }

    @Test func allErrorsAreReportedAtOnce() throws {
        let source = "FROM a\nCOPPY a b\nRUN ok\nEXPOSE http\nUSER\nRUN fine"
        let error = try #require(parseError(source))
        #expect(error.diagnostics.map(\.line) == [2, 4, 5])
        #expect(error.diagnostics.map(\.code) == [.unknownInstruction, .invalidArguments, .invalidArguments])
        #expect(error.description.split(separator: "\n").count == 3)
    }

    @Test func directivesAreRecorded() throws {
        let file = try DockerfileParser.parse("# syntax=docker/dockerfile:1.7\n# escape=`\n# check=skip=all\nFROM a")
        #expect(file.directives == ParserDirectives(escape: "`", syntax: "docker/dockerfile:1.7", check: "skip=all"))
        let plain = try DockerfileParser.parse("FROM a\n# syntax=x")
        #expect(plain.directives == ParserDirectives())
    }

    @Test func heredocStructureIsRecorded() throws {
        let file = try DockerfileParser.parse("FROM a\nCOPY <<-\"A\" 3<<B /dst/\n\tone\n\tA\ntwo\nB\n")
        let copy = file.instructions[1]
        #expect(
            copy.heredocs == [
                Heredoc(name: "A", content: "one\n", expands: false, stripsTabs: true),
                Heredoc(name: "B", content: "two\n", expands: true, stripsTabs: false, fileDescriptor: 3),
            ])
        #expect(copy.lines == 2...6)
    }

    @Test func healthcheckOptionsAreTyped() throws {
        let file = try DockerfileParser.parse(
            "FROM a\nHEALTHCHECK --interval=1m30s --timeout=500ms --start-period=2s --start-interval=1s --retries=4 CMD [\"/ok\"]"
        )
        #expect(
            file.instructions[1].arguments
                == .healthcheck(
                    .check(
                        .exec(["/ok"]),
                        HealthcheckOptions(
                            interval: .seconds(90), timeout: .milliseconds(500), startPeriod: .seconds(2),
                            startInterval: .seconds(1), retries: 4))))
    }

    @Test func stagesGroupInstructions() throws {
        let file = try DockerfileParser.parse("ARG V=1\nFROM a AS one\nRUN x\nFROM one\nRUN y\nRUN z")
        #expect(file.globalArguments.count == 1)
        #expect(file.stages.map(\.displayName) == ["one", "1"])
        #expect(file.stages.map(\.base) == ["a", "one"])
        #expect(file.stages.map { $0.instructions.map(\.line) } == [[3], [5, 6]])
    }

    @Test func originalTextJoinsContinuations() throws {
        let file = try DockerfileParser.parse("FROM a\nrun --network=none echo \\\n   # gone\n  hi")
        #expect(file.instructions[1].original == "run --network=none echo   hi")
        #expect(file.instructions[1].flag("network") == "none")
    }

    @Test func tenThousandContinuationLinesParse() throws {
        var source = "FROM busybox\nRUN echo \\\n"
        for index in 0..<10_000 { source += "  word\(index) \\\n" }
        source += "  end\n"
        let start = ContinuousClock.now
        let file = try DockerfileParser.parse(source)
        let elapsed = ContinuousClock.now - start
        #expect(file.instructions.count == 2)
        #expect(file.instructions[1].lines == 2...10_003)
        guard case .command(.shell(let script)) = file.instructions[1].arguments else {
            Issue.record("expected a shell-form RUN")
            return
        }
        #expect(script.hasPrefix("echo   word0"))
        #expect(script.hasSuffix("word9999   end"))
        // Linear work takes milliseconds; a quadratic parser would take far longer.
        #expect(elapsed < .seconds(10))
    }

    @Test func tenThousandLineHeredocParses() throws {
        var source = "FROM busybox\nRUN <<EOF\n"
        for index in 0..<10_000 { source += "echo \(index)\n" }
        source += "EOF\nRUN done"
        let file = try DockerfileParser.parse(source)
        #expect(file.instructions.map(\.line) == [1, 2, 10_004])
        #expect(
            file.instructions[1].heredocs.first?.content.count == (0..<10_000).map { "echo \($0)\n".count }.reduce(0, +)
        )
    }
}
