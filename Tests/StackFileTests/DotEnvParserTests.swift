import Testing

@testable import StackFile

@Suite(".env parsing")
struct DotEnvParserTests {
    @Test(
        "values",
        arguments: [
            ("A=1", "A", "1"),
            ("A = spaced ", "A", "spaced"),
            ("export A=exported", "A", "exported"),
            ("A=", "A", ""),
            ("A=value # comment", "A", "value"),
            ("A=value#not-a-comment", "A", "value#not-a-comment"),
            ("A='single $B \\n'", "A", "single $B \\n"),
            ("A=\"double $B\"", "A", "double bee"),
            ("A=\"line\\nbreak\\ttab\"", "A", "line\nbreak\ttab"),
            ("A=\"quote \\\" inside\"", "A", "quote \" inside"),
            ("A=\"dollar \\$B\"", "A", "dollar $B"),
            ("A=\"hash # kept\" # comment", "A", "hash # kept"),
            ("A=${B}-${UNSET:-d}", "A", "bee-d"),
            ("A=$$", "A", "$"),
            ("A=a=b=c", "A", "a=b=c"),
            ("A.B-c=dotted", "A.B-c", "dotted"),
            ("A=\"multi\nline\"", "A", "multi\nline"),
            ("A='multi\nline'", "A", "multi\nline"),
        ])
    func values(_ text: String, _ key: String, _ value: String) throws {
        let parsed = try DotEnvParser.variables(text, file: ".env", environment: ["B": "bee"])
        #expect(parsed[key] == value)
    }

    @Test("comments, blank lines and order")
    func wholeFile() throws {
        let text = """
            # a comment

              # indented comment
            FIRST=1
            SECOND=${FIRST}2
            FIRST=override
            \r
            """
        let parsed = try DotEnvParser.parse(text, file: ".env")
        #expect(parsed.map(\.key) == ["FIRST", "SECOND", "FIRST"])
        #expect(parsed[1].value == "12")
        #expect(try DotEnvParser.variables(text, file: ".env")["FIRST"] == "override")
    }

    @Test("a bare key takes the environment's value, or is skipped")
    func bareKey() throws {
        let parsed = try DotEnvParser.variables("HOME_DIR\nMISSING\n", file: ".env", environment: ["HOME_DIR": "/root"])
        #expect(parsed == ["HOME_DIR": "/root"])
    }

    @Test(
        "errors",
        arguments: [
            ("1A=x", 1, "invalid variable name"),
            ("OK=1\nBAD KEY=x", 2, "invalid variable name"),
            ("A=\"unterminated", 1, "unterminated double-quoted"),
            ("A='unterminated", 1, "unterminated single-quoted"),
            ("A=\"x\" trailing", 1, "unexpected text"),
            ("A=${B:?B is required}", 1, "B is required"),
            ("not a line", 1, "invalid line"),
        ])
    func errors(_ text: String, _ line: Int, _ fragment: String) {
        do {
            _ = try DotEnvParser.parse(text, file: "test.env")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .syntax)
            #expect(error.diagnostics.first?.location?.line == line)
            #expect(error.diagnostics.first?.message.contains(fragment) == true, "\(error)")
        }
    }
}
