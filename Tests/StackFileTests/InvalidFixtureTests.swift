import Foundation
import Testing

@testable import StackFile

/// Every file under Fixtures/invalid must fail to load with the listed error at the listed place.
@Suite("Invalid stack files")
struct InvalidFixtureTests {
    struct Expectation: Sendable, CustomTestStringConvertible {
        var fixture: String
        var position: String
        var fragment: String
        var testDescription: String { fixture }
    }

    static let expectations: [Expectation] = [
        .init(fixture: "bad-boolean", position: "4:16", fragment: "read_only must be true or false"),
        .init(fixture: "bad-dependency-condition", position: "8:20", fragment: "unknown condition \"service_ready\""),
        .init(fixture: "bad-duration", position: "6:17", fragment: "invalid duration \"10 seconds\""),
        .init(fixture: "bad-healthcheck-test", position: "5:13", fragment: "must start with CMD, CMD-SHELL or NONE"),
        .init(fixture: "bad-memory", position: "7:19", fragment: "invalid byte size \"1 gigabyte\""),
        .init(fixture: "bad-replicas", position: "5:17", fragment: "replicas must be an integer"),
        .init(fixture: "bad-restart", position: "4:14", fragment: "unknown restart policy \"sometimes\""),
        .init(fixture: "bad-service-name", position: "2:3", fragment: "invalid service name \"web server\""),
        .init(fixture: "bad-stop-grace-period", position: "4:24", fragment: "invalid duration \"5x\""),
        .init(fixture: "bad-subnet", position: "8:19", fragment: "is not an IPv4 subnet"),
        .init(fixture: "bad-tmpfs-size", position: "8:17", fragment: "invalid byte size \"lots\""),
        .init(fixture: "bad-volume-type", position: "5:15", fragment: "unsupported volume type \"npipe\""),
        .init(fixture: "bind-escapes-project", position: "5:9", fragment: "leads outside the project directory"),
        .init(fixture: "container-name-invalid", position: "4:21", fragment: "invalid container name \"_web\""),
        .init(fixture: "container-name-too-long", position: "4:21", fragment: "is 65 characters long; the limit is 63"),
        .init(
            fixture: "container-name-with-replicas", position: "4:21",
            fragment: "sets container_name but wants 2 replicas"),
        .init(fixture: "cycle", position: "12:18", fragment: "dependency cycle: a -> b -> c -> a"),
        .init(fixture: "derived-name-too-long", position: "3:3", fragment: "would be 78 characters long"),
        .init(
            fixture: "duplicate-container-name", position: "7:21",
            fragment: "container name shared is already used by service one"),
        .init(fixture: "expose-invalid", position: "6:9", fragment: "invalid port \"http\""),
        .init(fixture: "hostname-invalid", position: "4:15", fragment: "invalid hostname \"-web_host\""),
        .init(fixture: "hostname-too-long", position: "4:15", fragment: "is 72 characters long; the limit is 63"),
        .init(fixture: "malformed-interpolation", position: "3:12", fragment: "unterminated `${`"),
        .init(fixture: "memory-too-small", position: "7:19", fragment: "below the 6 MiB minimum"),
        .init(fixture: "merge-key-scalar", position: "3:9", fragment: "`<<` merges a mapping"),
        .init(fixture: "missing-env-file", position: "4:15", fragment: "does-not-exist.env not found"),
        .init(fixture: "network-driver", position: "6:13", fragment: "network driver \"overlay\" is not supported"),
        .init(
            fixture: "network-mode-bad-container", position: "4:19", fragment: "invalid container name \"-bad name\""),
        .init(fixture: "network-mode-self", position: "4:19", fragment: "cannot share its own network namespace"),
        .init(
            fixture: "network-mode-service-with-ports", position: "7:5",
            fragment: "publishes ports but shares the network of service:mysql"),
        .init(fixture: "network-mode-unknown", position: "4:19", fragment: "unknown network mode \"overlay\""),
        .init(
            fixture: "network-mode-unknown-service", position: "6:19",
            fragment: "undefined service mysq (did you mean `mysql`?)"),
        .init(
            fixture: "network-mode-with-networks", position: "5:5", fragment: "sets both network_mode host and networks"
        ),
        .init(fixture: "no-image-or-build", position: "2:3", fragment: "has neither `image` nor `build`"),
        .init(fixture: "no-services", position: "1:1", fragment: "no `services` defined"),
        .init(fixture: "port-bad-protocol", position: "5:9", fragment: "unsupported protocol \"sctp\""),
        .init(
            fixture: "port-collision", position: "8:9",
            fragment: "host port 8080/tcp of service two is already published by service one"),
        .init(fixture: "port-long-no-target", position: "5:9", fragment: "needs a `target` port"),
        .init(fixture: "port-out-of-range", position: "5:9", fragment: "port 70000 is out of range 1-65535"),
        .init(fixture: "port-range-mismatch", position: "5:9", fragment: "ranges differ in length"),
        .init(fixture: "port-zero", position: "5:9", fragment: "port 0 is out of range"),
        .init(fixture: "ports-not-a-list", position: "4:12", fragment: "ports must be a list"),
        .init(
            fixture: "relative-mount-target", position: "5:9",
            fragment: "mount target \"data\" must be an absolute path"),
        .init(
            fixture: "replicas-fixed-port", position: "7:9",
            fragment: "wants 3 replicas but publishes host port 8080/tcp"),
        .init(
            fixture: "required-variable", position: "5:28",
            fragment: "required variable SWIFTSTACK_TEST_NEVER_SET is not set: set a root password"),
        .init(fixture: "self-dependency", position: "4:18", fragment: "dependency cycle: a -> a"),
        .init(
            fixture: "undefined-dependency", position: "5:9",
            fragment: "depends on undefined service databse (did you mean `database`?)"),
        .init(fixture: "undefined-network", position: "4:16", fragment: "undefined network frontend"),
        .init(fixture: "undefined-volume", position: "5:9", fragment: "undefined volume dbdata"),
        .init(
            fixture: "unknown-healthcheck-key", position: "6:7",
            fragment: "unknown key `intervall` in services.web.healthcheck (did you mean `interval`?)"),
        .init(
            fixture: "unknown-service-key", position: "4:5",
            fragment: "unknown key `enviroment` in services.web (did you mean `environment`?)"),
        .init(
            fixture: "unknown-top-level-key", position: "1:1",
            fragment: "unknown key `service` at the top level (did you mean `services`?)"),
        .init(fixture: "unterminated-command", position: "4:14", fragment: "unterminated single quote"),
        .init(fixture: "volume-driver", position: "6:13", fragment: "volume driver \"nfs\" is not supported"),
        .init(fixture: "yaml-duplicate-key", position: "4:5", fragment: "duplicate key `image`"),
        .init(fixture: "yaml-syntax", position: "4:12", fragment: "mapping values are not allowed"),
    ]

    static var invalidDirectory: String {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures/invalid").path
    }

    @Test("fails with the expected error and position", arguments: expectations)
    func fails(_ expectation: Expectation) throws {
        let file = "\(Self.invalidDirectory)/\(expectation.fixture).yaml"
        do {
            let result = try StackLoader.load(
                LoadOptions(files: [file], workingDirectory: Self.invalidDirectory, environment: [:]))
            Issue.record("\(expectation.fixture) loaded, with warnings \(result.warnings)")
        } catch {
            let matching = error.errors.filter { $0.description.contains(expectation.fragment) }
            #expect(!matching.isEmpty, "no error contains \"\(expectation.fragment)\": \(error)")
            let positions = matching.compactMap { $0.location.map { "\($0.line):\($0.column)" } }
            #expect(positions.contains(expectation.position), "\(positions) for \(error)")
            #expect(matching.allSatisfy { $0.location?.file == file })
        }
    }

    @Test("every invalid fixture has an expectation, and there are at least 40")
    func tableCoversFixtures() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.invalidDirectory)
            .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }
        #expect(Set(files) == Set(Self.expectations.map(\.fixture)))
        #expect(files.count >= 40)
    }

    @Test("all errors of a file are reported at once, in file order")
    func allErrorsAtOnce() throws {
        let errors = try loadErrors(
            """
            services:
              web:
                image: x
                ports: ["99999:80"]
                restart: sometimes
                depends_on: [nothing]
              db:
                healthcheck:
                  interval: soon
            """)
        // Bad port, bad restart, undefined dependency, db without image, bad duration.
        #expect(errors.map { $0.location?.line ?? 0 } == [4, 5, 6, 7, 9], "\(errors)")
    }
}
