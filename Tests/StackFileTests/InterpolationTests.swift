import Testing

@testable import StackFile

@Suite("Interpolation")
struct InterpolationTests {
    static let variables = [
        "NAME": "web", "EMPTY": "", "PORT": "8080", "B": "bee", "ALT": "alt", "_U": "under", "X1": "x1",
    ]

    @Test(
        "expands",
        arguments: [
            ("plain text", "plain text"),
            ("$NAME", "web"),
            ("${NAME}", "web"),
            ("pre-$NAME-post", "pre-web-post"),
            ("${NAME}suffix", "websuffix"),
            ("$NAME.example", "web.example"),
            ("$_U", "under"),
            ("$X1", "x1"),
            ("${UNSET}", ""),
            ("$UNSET", ""),
            ("${NAME:-default}", "web"),
            ("${EMPTY:-default}", "default"),
            ("${UNSET:-default}", "default"),
            ("${NAME-default}", "web"),
            ("${EMPTY-default}", ""),
            ("${UNSET-default}", "default"),
            ("${UNSET:-}", ""),
            ("${UNSET:-with spaces and : colons}", "with spaces and : colons"),
            ("${NAME:+alt}", "alt"),
            ("${EMPTY:+alt}", ""),
            ("${UNSET:+alt}", ""),
            ("${NAME+alt}", "alt"),
            ("${EMPTY+alt}", "alt"),
            ("${UNSET+alt}", ""),
            ("${NAME:?must be set}", "web"),
            ("${EMPTY?must be set}", ""),
            ("$$", "$"),
            ("$$NAME", "$NAME"),
            ("$${NAME}", "${NAME}"),
            ("a$$b$$c", "a$b$c"),
            ("cost: $$5", "cost: $5"),
            ("${UNSET:-${NAME}}", "web"),
            ("${UNSET:-${ALSO_UNSET:-deep}}", "deep"),
            ("${UNSET:-$NAME}", "web"),
            ("${UNSET:-pre-${B}-post}", "pre-bee-post"),
            ("${NAME:+${ALT}-${B}}", "alt-bee"),
            ("${UNSET:-$$literal}", "$literal"),
            ("${NAME}:${PORT}", "web:8080"),
            ("http://${NAME}:${PORT:-80}/", "http://web:8080/"),
            ("${UNSET:-a}${UNSET2:-b}", "ab"),
            ("22:22", "22:22"),
            ("{not a template}", "{not a template}"),
            ("${NAME:-${UNSET:?never evaluated}}", "web"),
            ("${UNSET:+${ALSO:?not used}}", ""),
        ])
    func expands(_ template: String, _ expected: String) throws {
        var unset: [String] = []
        #expect(try Interpolator(variables: Self.variables).expand(template, unset: &unset) == expected)
    }

    @Test("reports unset variables used without a default")
    func reportsUnset() throws {
        var unset: [String] = []
        _ = try Interpolator(variables: Self.variables).expand("$A ${B} ${C:-x} ${D-y} ${NAME}", unset: &unset)
        #expect(unset == ["A"])
    }

    @Test(
        "fails",
        arguments: [
            ("${UNSET:?need it}", "required variable UNSET is not set: need it", true),
            ("${EMPTY:?need it}", "required variable EMPTY is empty: need it", true),
            ("${UNSET?need it}", "required variable UNSET is not set: need it", true),
            ("${UNSET:?}", "required variable UNSET is not set", true),
            ("${UNSET:-${OTHER:?inner message}}", "required variable OTHER is not set: inner message", true),
            ("${UNSET:?missing ${NAME}}", "missing web", true),
            ("$", "`$` at the end", false),
            ("cost $5", "`$5`", false),
            ("${", "unterminated", false),
            ("${NAME", "unterminated", false),
            ("${}", "does not start with a variable name", false),
            ("${1ABC}", "does not start with a variable name", false),
            ("${NAME:=x}", "unsupported operator", false),
            ("${NAME/x/y}", "unsupported operator", false),
            ("$ {NAME}", "`$ `", false),
        ])
    func fails(_ template: String, _ fragment: String, _ isRequiredVariable: Bool) {
        var unset: [String] = []
        do {
            let result = try Interpolator(variables: Self.variables).expand(template, unset: &unset)
            Issue.record("expected a failure, got \"\(result)\"")
        } catch {
            #expect(error.message.contains(fragment), "\(error.message)")
            #expect(error.isRequiredVariable == isRequiredVariable)
        }
    }

    @Test("stack values are interpolated, keys are not, and locations survive")
    func inStackFile() throws {
        let result = try load(
            """
            services:
              app:
                image: ${IMAGE:-busybox}:${TAG}
                environment:
                  ${KEY}: ${VALUE:-v}
            """, environment: ["TAG": "1.36"])
        let app = try #require(result.project.services["app"])
        #expect(app.image == "busybox:1.36")
        #expect(app.environment["${KEY}"] == "v")
        #expect(result.warnings.isEmpty)
    }

    @Test("an unset variable without default warns once, at its first use")
    func unsetWarning() throws {
        let result = try load(
            """
            services:
              app:
                image: busybox${SUFFIX}
                hostname: h${SUFFIX}
            """)
        let warnings = result.warnings.filter { $0.message.contains("SUFFIX") }
        #expect(warnings.count == 1)
        #expect(warnings.first?.location?.line == 3)
        #expect(warnings.first?.location?.column == 12)
    }

    @Test("process environment wins over .env, which wins over nothing")
    func precedence() throws {
        let result = try load(
            """
            services:
              app:
                image: ${IMAGE}
                hostname: ${HOST}
            """, extraFiles: [".env": "IMAGE=from-dotenv\nHOST=dotenv-host\n"], environment: ["IMAGE": "from-process"])
        #expect(result.project.services["app"]?.image == "from-process")
        #expect(result.project.services["app"]?.hostname == "dotenv-host")
    }

    @Test("--env-file replaces .env, and later env files win")
    func envFileOption() throws {
        let result = try load(
            """
            services:
              app:
                image: ${IMAGE}
                hostname: ${HOST:-none}
            """, extraFiles: [".env": "HOST=dotenv\n", "one.env": "IMAGE=one\n", "two.env": "IMAGE=two\n"]
        ) {
            $0.envFiles = ["one.env", "two.env"]
        }
        #expect(result.project.services["app"]?.image == "two")
        #expect(result.project.services["app"]?.hostname == "none")
    }

    @Test("a missing --env-file is an error")
    func missingEnvFile() throws {
        #expect(throws: StackFileError.self) {
            try load("services: {app: {image: x}}") { $0.envFiles = ["nope.env"] }
        }
    }
}
