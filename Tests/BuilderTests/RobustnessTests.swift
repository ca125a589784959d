import Testing

@testable import Builder

/// Arbitrary input never crashes the parser, the expander or the ignore matcher: it parses or
/// fails with a `BuilderError`.
@Suite struct RobustnessTests {
    /// A small deterministic generator, so a failure reproduces.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        mutating func text(from pieces: [String], count: Int) -> String {
            (0..<count).map { _ in pieces[next(pieces.count)] }.joined()
        }
    }

    static let dockerfilePieces = [
        "FROM ", "RUN ", "COPY ", "ENV ", "ARG ", "ONBUILD ", "HEALTHCHECK ", "LABEL ", "EXPOSE ", "AS ", "a", "b=c",
        " ", "\t", "\n", "\\", "\\\n", "`", "#", "# escape=`\n", "\"", "'", "[", "]", ",", "\"x\"", "{", "}", "$",
        "${", ":-", ":?", "<<", "<<-", "EOF", "\nEOF\n", "--from=", "--mount=", "--", "=", "\r\n", "é", "\u{FEFF}",
    ]

    @Test(arguments: 0..<8)
    func arbitraryDockerfilesParseOrFailCleanly(seed: Int) {
        var generator = Generator(state: UInt64(seed) &+ 12345)
        for _ in 0..<200 {
            let source = generator.text(from: Self.dockerfilePieces, count: generator.next(60))
            do {
                let file = try DockerfileParser.parse(source)
                _ = try? file.resolve(buildArguments: ["a": "1"])
            } catch {
                #expect(error is BuilderError, "source: \(source.debugDescription)")
            }
        }
    }

    @Test func arbitraryWordsExpandOrFailCleanly() {
        var generator = Generator(state: 99)
        let expander = WordExpander()
        for _ in 0..<1000 {
            let word = generator.text(
                from: ["$", "{", "}", "a", ":", "-", "+", "?", "'", "\"", "\\", " ", "=", "1"],
                count: generator.next(16))
            do {
                _ = try expander.expand(word, environment: ["a": "x y"])
                _ = try expander.expandWords(word, environment: ["a": "x y"])
                _ = try expander.expandHeredoc(word, environment: ["a": "x y"])
            } catch {
                #expect(error is BuilderError, "word: \(word.debugDescription)")
            }
        }
    }

    @Test func arbitraryIgnorePatternsCompileOrFailCleanly() {
        var generator = Generator(state: 7)
        let pieces = ["*", "**", "?", "[", "]", "^", "-", "a", "b", "/", "\\", "!", ".", "..", " ", "#"]
        for _ in 0..<1000 {
            let pattern = generator.text(from: pieces, count: generator.next(10))
            let path = generator.text(from: ["a", "b", "/", ".", "-"], count: generator.next(10))
            do {
                let ignore = try DockerIgnore(patterns: [pattern])
                _ = ignore.excludes(path: path)
                _ = ignore.mayContainIncluded(directory: path)
            } catch {
                #expect(error is BuilderError, "pattern: \(pattern.debugDescription)")
            }
        }
    }
}
