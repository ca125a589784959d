import Images
import Testing

@Suite("Config changes in Dockerfile syntax")
struct ChangeTests {
    @Test func entrypointAndCommandInJsonAndShellForm() throws {
        let config = try ImageConfig().applying(changes: [
            #"ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]"#, #"CMD ["mariadbd"]"#,
        ])
        #expect(config.entrypoint == ["/usr/local/bin/docker-entrypoint.sh"])
        #expect(config.cmd == ["mariadbd"])

        let shell = try ImageConfig().applying(changes: ["cmd echo hello $HOME", "ENTRYPOINT"])
        #expect(shell.cmd == ["/bin/sh", "-c", "echo hello $HOME"])
        #expect(shell.entrypoint == nil)
    }

    @Test func entrypointClearsAnInheritedCommandOnly() throws {
        let base = ImageConfig(cmd: ["sh"])
        #expect(try base.applying(changes: ["ENTRYPOINT [\"tini\"]"]).cmd == nil)
        #expect(try base.applying(changes: ["CMD [\"x\"]", "ENTRYPOINT [\"tini\"]"]).cmd == ["x"])
    }

    @Test func environmentLabelsAndExpansion() throws {
        let config = try ImageConfig(env: ["PATH=/bin", "A=old"]).applying(changes: [
            #"ENV A=1 B="two words" C=${A}x"#,
            "ENV LEGACY value with spaces",
            #"LABEL org.example.title="My app" version=1"#,
            #"ENV PATH=/usr/local/bin:$PATH"#,
        ])
        // As in Docker, one ENV line expands with the environment from before it.
        #expect(config.env == ["A=1", "B=two words", "C=oldx", "LEGACY=value with spaces", "PATH=/usr/local/bin:/bin"])
        #expect(config.labels == ["org.example.title": "My app", "version": "1"])
    }

    @Test func portsVolumesWorkdirUserStopSignal() throws {
        let config = try ImageConfig(exposedPorts: ["22/tcp"]).applying(changes: [
            "EXPOSE 80 53/udp 8000-8002/tcp",
            #"VOLUME ["/data", "/logs"]"#,
            "VOLUME /cache",
            "WORKDIR /srv",
            "WORKDIR app/../web",
            "USER mysql:mysql",
            "STOPSIGNAL SIGQUIT",
        ])
        #expect(config.exposedPorts == ["22/tcp", "53/udp", "80/tcp", "8000/tcp", "8001/tcp", "8002/tcp"])
        #expect(config.volumes == ["/cache", "/data", "/logs"])
        #expect(config.workingDir == "/srv/web")
        #expect(config.user == "mysql:mysql")
        #expect(config.stopSignal == "SIGQUIT")
    }

    @Test func healthcheckAndOnbuildAsDockerWritesThem() throws {
        let config = try ImageConfig(healthcheck: ImageHealthcheck(test: ["CMD", "old"], retries: 9)).applying(
            changes: [
                "HEALTHCHECK --interval=1m30s --timeout=500ms --start-period=2s --retries=3 CMD wget -q localhost",
                "ONBUILD RUN echo first",
                #"ONBUILD COPY ["a", "/b"]"#,
            ])
        #expect(
            config.healthcheck
                == ImageHealthcheck(
                    test: ["CMD-SHELL", "wget -q localhost"], interval: 90_000_000_000, timeout: 500_000_000,
                    startPeriod: 2_000_000_000, retries: 3))
        #expect(config.onBuild == ["RUN echo first", #"COPY ["a", "/b"]"#])
        let exec = try config.applying(changes: [#"HEALTHCHECK CMD ["/bin/check", "-v"]"#])
        // A new HEALTHCHECK replaces the old one entirely, options included.
        #expect(exec.healthcheck == ImageHealthcheck(test: ["CMD", "/bin/check", "-v"]))
        #expect(try config.applying(changes: ["healthcheck none"]).healthcheck == ImageHealthcheck(test: ["NONE"]))
    }

    @Test(arguments: [
        ("RUN apt-get update", "RUN cannot be applied"),
        ("", "it is empty"),
        ("EXPOSE 70000", "is not a port"),
        ("EXPOSE 80/icmp", "is not PORT"),
        ("VOLUME data", "not an absolute path"),
        ("ENV KEY", "has no value"),
        ("ENV A=\"unclosed", "is not closed"),
        ("STOPSIGNAL 9;rm", "is not a signal"),
        ("USER", "needs an argument"),
        ("HEALTHCHECK --interval=soon CMD true", "is not a duration"),
        ("HEALTHCHECK --every=5s CMD true", "unknown HEALTHCHECK option"),
        ("HEALTHCHECK true", "takes CMD COMMAND or NONE"),
        ("HEALTHCHECK NONE now", "takes no arguments"),
        ("ONBUILD ONBUILD RUN x", "isn't allowed as an ONBUILD trigger"),
        ("ONBUILD FROM busybox", "isn't allowed as an ONBUILD trigger"),
    ])
    func invalidChangesAreRefusedWithTheLine(_ line: String, _ reason: String) {
        #expect {
            try ImageConfig().applying(changes: [line])
        } throws: { error in
            guard let error = error as? ImageError else { return false }
            return error.code == .invalidArgument && error.message.contains(reason)
                && error.message.contains("'\(line)'")
        }
    }
}

@Suite("Image references")
struct ReferenceTests {
    @Test(arguments: [
        ("docker.io/library/busybox:1.36", "busybox:1.36"),
        ("docker.io/peer/web", "peer/web:latest"),
        ("index.docker.io/library/debian:bookworm", "debian:bookworm"),
        ("localhost/app:1", "localhost/app:1"),
        ("registry.example.com/team/app:v2", "registry.example.com/team/app:v2"),
        ("docker.io/library/a/b", "library/a/b:latest"),
    ])
    func dockerHubNamesTakeTheirShortForm(_ text: String, _ expected: String) throws {
        #expect(try ImageReference(parsing: text).description == expected)
    }
}
