import Testing

@testable import Builder

/// A word, the variables in scope, and what expansion must give (or the error it must raise).
struct SubstitutionCase: Sendable, CustomTestStringConvertible {
    let word: String
    let expected: Result
    enum Result: Sendable, Equatable {
        case value(String)
        case failure(String)
    }
    init(_ word: String, _ expected: String) {
        self.word = word
        self.expected = .value(expected)
    }
    init(_ word: String, fails message: String) {
        self.word = word
        self.expected = .failure(message)
    }
    var testDescription: String { word }
}

@Suite struct SubstitutionTests {
    static let environment = ["v": "val", "empty": "", "w": "other", "spaced": "a b", "v_x": "long"]

    static let cases: [SubstitutionCase] = [
        SubstitutionCase("$v", "val"),
        SubstitutionCase("${v}", "val"),
        SubstitutionCase("pre-${v}-post", "pre-val-post"),
        SubstitutionCase("$v.txt", "val.txt"),
        SubstitutionCase("$v_x", "long"),
        SubstitutionCase("${v}_x", "val_x"),
        SubstitutionCase("$unset", ""),
        SubstitutionCase("${unset:-x}", "x"),
        SubstitutionCase("${empty:-x}", "x"),
        SubstitutionCase("${v:-x}", "val"),
        SubstitutionCase("${unset-x}", "x"),
        SubstitutionCase("${empty-x}", ""),
        SubstitutionCase("${v:+x}", "x"),
        SubstitutionCase("${empty:+x}", ""),
        SubstitutionCase("${unset:+x}", ""),
        SubstitutionCase("${empty+x}", "x"),
        SubstitutionCase("${unset+x}", ""),
        SubstitutionCase("${v:?must be set}", "val"),
        SubstitutionCase("${empty?must be set}", ""),
        SubstitutionCase("${unset:?must be set}", fails: "unset: must be set"),
        SubstitutionCase("${empty:?}", fails: "empty: is not allowed to be unset or empty"),
        SubstitutionCase("${unset?}", fails: "unset: is not allowed to be unset"),
        SubstitutionCase("${unset:-${w}}", "other"),
        SubstitutionCase("${unset:-'a  b'}", "a  b"),
        SubstitutionCase("${unset:-\"$v x\"}", "val x"),
        SubstitutionCase(#"\$v"#, "$v"),
        SubstitutionCase(#"\${v}"#, "${v}"),
        SubstitutionCase("'$v'", "$v"),
        SubstitutionCase("\"$v\"", "val"),
        SubstitutionCase(#""\$v""#, "$v"),
        SubstitutionCase(#""a\b""#, #"a\b"#),
        SubstitutionCase(#""q\"q""#, #"q"q"#),
        SubstitutionCase(#"a\ b"#, "a b"),
        SubstitutionCase(#"'it\s'"#, #"it\s"#),
        SubstitutionCase("$", "$"),
        SubstitutionCase("a$", "a$"),
        SubstitutionCase("$-x", "x"),
        SubstitutionCase("cost: $5", "cost: "),
        SubstitutionCase("${v", fails: "missing '}'"),
        SubstitutionCase("${unset:-x", fails: "missing '}'"),
        SubstitutionCase("${v:=x}", fails: "unsupported modifier '='"),
        SubstitutionCase("${v/a/b}", fails: "unsupported substitution"),
        SubstitutionCase("${}", fails: "bad substitution"),
        SubstitutionCase("\"open", fails: "double quote"),
        SubstitutionCase("'open", fails: "single quote"),
    ]

    @Test(arguments: cases)
    func expands(_ testCase: SubstitutionCase) throws {
        let expander = WordExpander()
        switch testCase.expected {
        case .value(let expected):
            #expect(try expander.expand(testCase.word, environment: Self.environment) == expected)
        case .failure(let message):
            do {
                let value = try expander.expand(testCase.word, environment: Self.environment)
                Issue.record("expected an error, got \(value.debugDescription)")
            } catch let error as BuilderError {
                #expect(error.code == .substitution)
                #expect(error.message.contains(message), "message: \(error.message)")
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }

    @Test func backtickEscape() throws {
        let expander = WordExpander(escape: "`")
        #expect(try expander.expand("`$v and c:\\dir", environment: Self.environment) == "$v and c:\\dir")
        #expect(try expander.expand("\"`$v\"", environment: Self.environment) == "$v")
    }

    @Test func wordsSplitOnUnquotedWhitespaceAndUnquotedValues() throws {
        let expander = WordExpander()
        #expect(try expander.expandWords("$spaced", environment: Self.environment) == ["a", "b"])
        #expect(try expander.expandWords("\"$spaced\"", environment: Self.environment) == ["a b"])
        #expect(try expander.expandWords("x 'y z' \"\"", environment: Self.environment) == ["x", "y z", ""])
        #expect(try expander.expandWords("$unset", environment: Self.environment) == [])
        #expect(try expander.expandWords("  80/tcp   $v  ", environment: Self.environment) == ["80/tcp", "val"])
    }

    @Test func heredocBodiesExpandButKeepQuotes() throws {
        let expander = WordExpander()
        let body = "echo \"$v\" it's ${w:-x} \\$HOME\n"
        #expect(try expander.expandHeredoc(body, environment: Self.environment) == "echo \"val\" it's other $HOME\n")
    }
}
