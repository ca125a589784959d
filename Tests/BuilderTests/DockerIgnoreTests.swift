import Foundation
import Testing

@testable import Builder

/// `.dockerignore` lines, a context path, and whether the path is left out.
struct IgnoreCase: Sendable, CustomTestStringConvertible {
    let patterns: [String]
    let path: String
    let excluded: Bool
    init(_ patterns: [String], _ path: String, _ excluded: Bool) {
        self.patterns = patterns
        self.path = path
        self.excluded = excluded
    }
    var testDescription: String { "\(patterns) \(path) → \(excluded ? "excluded" : "included")" }
}

@Suite struct DockerIgnoreTests {
    static let cases: [IgnoreCase] = [
        IgnoreCase(["*.md"], "README.md", true),
        IgnoreCase(["*.md"], "docs/README.md", false),
        IgnoreCase(["**/*.md"], "docs/a/README.md", true),
        IgnoreCase(["**/*.md"], "README.md", true),
        IgnoreCase(["**/*.md"], "README.txt", false),
        IgnoreCase(["docs"], "docs/x/y.txt", true),
        IgnoreCase(["docs"], "docs", true),
        IgnoreCase(["docs"], "documents/x", false),
        IgnoreCase(["docs", "!docs/keep.md"], "docs/keep.md", false),
        IgnoreCase(["docs", "!docs/keep.md"], "docs/other.md", true),
        IgnoreCase(["*.txt", "!important.txt"], "important.txt", false),
        IgnoreCase(["*.txt", "!important.txt", "important.txt"], "important.txt", true),
        IgnoreCase(["!a.txt", "*.txt"], "a.txt", true),
        IgnoreCase(["file?.txt"], "file1.txt", true),
        IgnoreCase(["file?.txt"], "file10.txt", false),
        IgnoreCase(["file?"], "file/", false),
        IgnoreCase(["[abc].go"], "b.go", true),
        IgnoreCase(["[abc].go"], "d.go", false),
        IgnoreCase(["[^abc].go"], "d.go", true),
        IgnoreCase(["[a-c]x"], "bx", true),
        IgnoreCase(["/build"], "build/out/app", true),
        IgnoreCase(["./build/../dist//"], "dist/app.js", true),
        IgnoreCase(["# secret", "#ignored"], "# secret", false),
        IgnoreCase([" #x"], "#x", true),
        IgnoreCase(["**"], "any/thing/at/all", true),
        IgnoreCase(["a/**/b"], "a/b", true),
        IgnoreCase(["a/**/b"], "a/x/y/b", true),
        IgnoreCase(["a/**/b"], "a/x/yb", false),
        IgnoreCase(["a/**"], "a/x/y", true),
        IgnoreCase(["a/**"], "a", false),
        IgnoreCase(["foo.txt   "], "foo.txt", true),
        IgnoreCase(["node_modules", "!node_modules/keep/**"], "node_modules/keep/x.js", false),
        IgnoreCase(["node_modules", "!node_modules/keep/**"], "node_modules/drop/x.js", true),
        IgnoreCase([#"a\*b"#], "a*b", true),
        IgnoreCase([#"a\*b"#], "axb", false),
        IgnoreCase(["*/temp*"], "a/temporary", true),
        IgnoreCase(["*/temp*"], "a/b/temp", false),
        IgnoreCase(["docs"], "./docs/x", true),
        IgnoreCase(["**/.git"], "vendor/lib/.git/config", true),
        IgnoreCase(["*", "!src", "src/*.tmp"], "src/main.swift", false),
        IgnoreCase(["*", "!src", "src/*.tmp"], "src/x.tmp", true),
        IgnoreCase(["*", "!src", "src/*.tmp"], "README", true),
        IgnoreCase(["  !  docs/keep.md", "docs/*"], "docs/keep.md", true),
    ]

    @Test(arguments: cases)
    func matches(_ testCase: IgnoreCase) throws {
        let ignore = try DockerIgnore(patterns: testCase.patterns)
        #expect(ignore.excludes(path: testCase.path) == testCase.excluded)
    }

    @Test func walkerCanSkipOnlyDirectoriesWithNothingIncluded() throws {
        #expect(try DockerIgnore(patterns: ["docs", "!docs/keep.md"]).mayContainIncluded(directory: "docs"))
        #expect(try !DockerIgnore(patterns: ["docs"]).mayContainIncluded(directory: "docs"))
        #expect(try !DockerIgnore(patterns: ["docs"]).mayContainIncluded(directory: "docs/deep"))
        #expect(try DockerIgnore(patterns: ["docs"]).mayContainIncluded(directory: "src"))
        #expect(try DockerIgnore(patterns: ["docs", "!**/*.md"]).mayContainIncluded(directory: "docs/a"))
        #expect(try !DockerIgnore(patterns: ["docs", "!other/x"]).mayContainIncluded(directory: "docs"))
        #expect(try DockerIgnore(patterns: ["*", "!src/keep"]).mayContainIncluded(directory: "src"))
        #expect(try !DockerIgnore(patterns: ["*", "!src/keep"]).mayContainIncluded(directory: "lib"))
    }

    @Test func badPatternsAreErrors() {
        #expect(throws: BuilderError.self) { try DockerIgnore(patterns: ["[abc"]) }
        #expect(throws: BuilderError.self) { try DockerIgnore(patterns: ["!"]) }
        #expect(throws: BuilderError.self) { try DockerIgnore(patterns: [#"trailing\"#]) }
    }

    @Test func fileContentsWithCommentsBlankLinesAndCRLF() throws {
        let ignore = try DockerIgnore(contents: "\u{FEFF}# comment\r\n\r\n*.log\r\n!keep.log\r\n  tmp/  \r\n")
        #expect(ignore.patterns.map(\.description) == ["*.log", "!keep.log", "tmp"])
        #expect(ignore.excludes(path: "x.log"))
        #expect(!ignore.excludes(path: "keep.log"))
        #expect(ignore.excludes(path: "tmp/a"))
    }

    @Test func cleaningFollowsFilepathClean() {
        #expect(ContextPath.clean("") == ".")
        #expect(ContextPath.clean("a//b/./c/..") == "a/b")
        #expect(ContextPath.clean("/../x") == "/x")
        #expect(ContextPath.clean("../x/../../y") == "../../y")
        #expect(ContextPath.clean("./") == ".")
    }

    @Test func dockerfileSpecificIgnoreFileTakesPrecedence() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("builder-ignore-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/build", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "*.log\n".write(toFile: directory + "/.dockerignore", atomically: true, encoding: .utf8)
        let dockerfile = directory + "/build/app.Dockerfile"
        try "FROM scratch\n".write(toFile: dockerfile, atomically: true, encoding: .utf8)

        let (general, generalFile) = try DockerIgnore.load(contextDirectory: directory, dockerfilePath: dockerfile)
        #expect(generalFile == directory + "/.dockerignore")
        #expect(general.excludes(path: "a.log"))

        try "secrets\n".write(toFile: dockerfile + ".dockerignore", atomically: true, encoding: .utf8)
        let (specific, specificFile) = try DockerIgnore.load(contextDirectory: directory, dockerfilePath: dockerfile)
        #expect(specificFile == dockerfile + ".dockerignore")
        #expect(!specific.excludes(path: "a.log"))
        #expect(specific.excludes(path: "secrets/key"))

        let (none, noFile) = try DockerIgnore.load(
            contextDirectory: directory + "/build", dockerfilePath: directory + "/Dockerfile")
        #expect(noFile == nil)
        #expect(none.isEmpty)
    }
}
