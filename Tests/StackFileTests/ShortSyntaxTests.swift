import Testing

@testable import StackFile

@Suite("Short syntax normalisation")
struct ShortSyntaxTests {
    @Test(
        "ports",
        arguments: [
            ("8080", Port(target: 8080)),
            ("8081:8080", Port(target: 8080, published: 8081)),
            ("22:22", Port(target: 22, published: 22)),
            ("127.0.0.1:8081:8080", Port(target: 8080, published: 8081, hostIP: "127.0.0.1")),
            (
                "127.0.0.1:8081:8080/udp",
                Port(target: 8080, published: 8081, hostIP: "127.0.0.1", transportProtocol: .udp)
            ),
            ("127.0.0.1::8080", Port(target: 8080, hostIP: "127.0.0.1")),
            ("53:53/UDP", Port(target: 53, published: 53, transportProtocol: .udp)),
            ("8000-8001:9000-9001", Port(target: 9000, targetEnd: 9001, published: 8000, publishedEnd: 8001)),
            ("9000-9001", Port(target: 9000, targetEnd: 9001)),
            ("8000-8010:80", Port(target: 80, published: 8000, publishedEnd: 8010)),
            ("[::1]:8081:8080", Port(target: 8080, published: 8081, hostIP: "::1")),
            ("65535:1", Port(target: 1, published: 65535)),
        ])
    func ports(_ text: String, _ expected: Port) throws {
        #expect(try DecodeContext.parsePort(text).get() == expected)
    }

    @Test("ports in a stack: integer, quoted and long syntax")
    func portsInStack() throws {
        let app = try service(
            """
            ports:
              - 8080
              - "8443:443"
              - target: 53
                published: "5353"
                host_ip: 127.0.0.1
                protocol: udp
            """)
        #expect(
            app.ports == [
                Port(target: 8080), Port(target: 443, published: 8443),
                Port(target: 53, published: 5353, hostIP: "127.0.0.1", transportProtocol: .udp),
            ])
    }

    @Test("volumes")
    func volumes() throws {
        try withProject([
            "compose.yaml": """
            services:
              app:
                image: demo
                volumes:
                  - data:/var/lib/mysql
                  - ./logs:/app/logs
                  - /etc/hosts:/etc/hosts:ro
                  - ~/cache:/cache:rw
                  - /scratch
                  - type: bind
                    source: ./conf
                    target: /conf
                    read_only: true
                    bind:
                      create_host_path: true
                  - type: tmpfs
                    target: /tmp
                    tmpfs:
                      size: 64m
                  - type: volume
                    source: data
                    target: /backup
            volumes:
              data:
            """, "logs/.keep": "", "conf/.keep": "",
        ]) { directory in
            let result = try StackLoader.load(
                LoadOptions(workingDirectory: directory, environment: ["HOME": "/home/user"]))
            let app = try #require(result.project.services["app"])
            #expect(
                app.volumes == [
                    ServiceVolume(type: .volume, source: "data", target: "/var/lib/mysql"),
                    ServiceVolume(type: .bind, source: directory + "/logs", target: "/app/logs", createHostPath: true),
                    ServiceVolume(
                        type: .bind, source: "/etc/hosts", target: "/etc/hosts", readOnly: true, createHostPath: true),
                    ServiceVolume(type: .bind, source: "/home/user/cache", target: "/cache", createHostPath: true),
                    ServiceVolume(type: .volume, source: nil, target: "/scratch"),
                    ServiceVolume(
                        type: .bind, source: directory + "/conf", target: "/conf", readOnly: true, createHostPath: true),
                    ServiceVolume(type: .tmpfs, source: nil, target: "/tmp", tmpfsSize: 64 * 1024 * 1024),
                    ServiceVolume(type: .volume, source: "data", target: "/backup"),
                ])
            // Only the missing ~/cache warns.
            #expect(result.warnings.map(\.message).filter { $0.contains("does not exist") }.count == 1)
        }
    }

    @Test("environment: map and list, KEY without value from the host, env_file underneath")
    func environment() throws {
        for body in [
            "environment:\n  A: \"1\"\n  B: no\n  FROM_HOST:\n  NOT_ON_HOST:\n  PORT: 22:22",
            "environment:\n  - A=1\n  - B=no\n  - FROM_HOST\n  - NOT_ON_HOST\n  - PORT=22:22",
        ] {
            let app = try service(
                "env_file: app.env\n" + body, environment: ["FROM_HOST": "host"],
                extraFiles: ["app.env": "A=from-file\nFILE_ONLY=f\n"])
            #expect(app.environment == ["A": "1", "B": "no", "FROM_HOST": "host", "PORT": "22:22", "FILE_ONLY": "f"])
        }
    }

    @Test("env_file forms")
    func envFiles() throws {
        let app = try service(
            """
            env_file:
              - a.env
              - path: ./missing.env
                required: false
            """, extraFiles: ["a.env": "A=1"])
        #expect(app.envFiles.count == 2)
        #expect(app.envFiles[0].path.hasSuffix("/demo/a.env"))
        #expect(app.envFiles[1] == EnvFile(path: app.envFiles[1].path, required: false))
        #expect(app.environment == ["A": "1"])
    }

    @Test(
        "command and entrypoint: strings split like a shell, lists kept",
        arguments: [
            ("command: echo hello world", ["echo", "hello", "world"]),
            ("command: sh -c 'echo \"$$HOME\" && sleep 1'", ["sh", "-c", "echo \"$HOME\" && sleep 1"]),
            ("command: [\"a b\", c]", ["a b", "c"]),
            ("command: echo \"two words\" three\\ four", ["echo", "two words", "three four"]),
            ("command: \"\"", []),
        ])
    func command(_ body: String, _ expected: [String]) throws {
        #expect(try service(body).command == expected)
    }

    @Test("healthcheck: string becomes CMD-SHELL, durations and defaults")
    func healthcheck() throws {
        let app = try service(
            """
            healthcheck:
              test: curl -f http://localhost/
              interval: 1m30s
              timeout: 500ms
              retries: 5
              start_period: 10s
              start_interval: 1s
            """)
        #expect(
            app.healthcheck
                == Healthcheck(
                    test: ["CMD-SHELL", "curl -f http://localhost/"], interval: .seconds(90),
                    timeout: .milliseconds(500),
                    retries: 5, startPeriod: .seconds(10), startInterval: .seconds(1)))
        #expect(try service("healthcheck:\n  test: [\"NONE\"]").healthcheck?.disable == true)
        #expect(try service("healthcheck:\n  disable: true").healthcheck?.disable == true)
    }

    @Test(
        "restart policies",
        arguments: [
            ("no", RestartPolicy.no), ("\"no\"", .no), ("always", .always), ("unless-stopped", .unlessStopped),
            ("on-failure", .onFailure(maxRetries: nil)), ("on-failure:3", .onFailure(maxRetries: 3)),
        ])
    func restart(_ text: String, _ expected: RestartPolicy) throws {
        #expect(try service("restart: \(text)").restart == expected)
    }

    @Test("depends_on list and map")
    func dependsOn() throws {
        let yaml = """
            services:
              a: {image: x, depends_on: [b]}
              b:
                image: x
                depends_on:
                  c: {condition: service_healthy, required: false, restart: true}
              c: {image: x, healthcheck: {test: [CMD, "true"]}}
            """
        let project = try load(yaml).project
        #expect(project.services["a"]?.dependsOn == ["b": Dependency()])
        #expect(
            project.services["b"]?.dependsOn == [
                "c": Dependency(condition: .serviceHealthy, required: false, restart: true)
            ])
    }

    @Test("networks: list, map with aliases, implicit default, network_mode")
    func networks() throws {
        let project = try load(
            """
            services:
              plain: {image: x}
              listed: {image: x, networks: [front]}
              mapped:
                image: x
                networks:
                  front:
                    aliases: [api, web]
                    ipv4_address: 10.121.9.5
              hosted: {image: x, network_mode: host}
              shared: {image: x, network_mode: "service:plain"}
              joined: {image: x, network_mode: "container:some-container"}
            networks:
              front:
                ipam:
                  config:
                    - subnet: 10.121.9.0/24
                      gateway: 10.121.9.1
            """
        ).project
        #expect(project.services["plain"]?.networks == ["default": ServiceNetwork()])
        #expect(project.services["listed"]?.networks == ["front": ServiceNetwork()])
        #expect(
            project.services["mapped"]?.networks == [
                "front": ServiceNetwork(aliases: ["api", "web"], ipv4Address: "10.121.9.5")
            ])
        #expect(project.services["hosted"]?.networks == [:])
        #expect(project.services["hosted"]?.networkMode == .host)
        #expect(project.services["shared"]?.networkMode == .service("plain"))
        #expect(
            project.services["shared"]?.dependsOn["plain"]
                == Dependency(condition: .serviceStarted, required: true, restart: true))
        #expect(project.services["joined"]?.networkMode == .container("some-container"))
        #expect(project.networks["default"]?.name == "demo_default")
        #expect(
            project.networks["front"]
                == Network(
                    key: "front", name: "demo_front", ipam: [IPAMConfig(subnet: "10.121.9.0/24", gateway: "10.121.9.1")]
                ))
    }

    @Test("deploy, resources and the remaining scalar keys")
    func deployAndScalars() throws {
        let app = try service(
            """
            deploy:
              replicas: 3
              resources:
                limits: {cpus: "0.5", memory: 512m, pids: 100}
              restart_policy: {condition: on-failure, delay: 2s, max_attempts: 4, window: 1m}
              update_config: {parallelism: 2, delay: 1s, order: start-first, failure_action: rollback}
            container_name: null
            hostname: app-host
            working_dir: /srv
            user: "1000:1000"
            labels: [com.example.tier=web, flag]
            stop_signal: SIGINT
            stop_grace_period: 1m
            init: true
            read_only: yes
            cap_add: [NET_ADMIN]
            cap_drop: [ALL]
            extra_hosts: ["db:10.0.0.2", "cache=10.0.0.3"]
            tmpfs: /run
            expose: ["80", 9000-9001, 53/udp]
            profiles: [debug]
            build:
              context: ./app
              args: [VERSION=1, FROM_HOST]
            """, environment: ["FROM_HOST": "h", "COMPOSE_PROFILES": "debug"])
        #expect(app.replicas == 3)
        #expect(app.deploy?.limits == ResourceLimits(cpus: 0.5, memory: 512 * 1024 * 1024, pids: 100))
        #expect(
            app.deploy?.restartPolicy
                == DeployRestartPolicy(condition: .onFailure, delay: .seconds(2), maxAttempts: 4, window: .seconds(60)))
        #expect(
            app.deploy?.updateConfig
                == UpdateConfig(parallelism: 2, delay: .seconds(1), failureAction: .rollback, order: .startFirst))
        #expect(app.hostname == "app-host")
        #expect(app.workingDir == "/srv")
        #expect(app.user == "1000:1000")
        #expect(app.labels == ["com.example.tier": "web", "flag": ""])
        #expect(app.stopSignal == "SIGINT")
        #expect(app.stopGracePeriod == .seconds(60))
        #expect(app.initProcess == true)
        #expect(app.readOnly)
        #expect(app.capAdd == ["NET_ADMIN"])
        #expect(app.capDrop == ["ALL"])
        #expect(
            app.extraHosts == [
                ExtraHost(hostname: "db", address: "10.0.0.2"), ExtraHost(hostname: "cache", address: "10.0.0.3"),
            ])
        #expect(app.tmpfs == ["/run"])
        #expect(app.expose == ["80", "9000-9001", "53/udp"])
        #expect(app.profiles == ["debug"])
        #expect(app.build?.context.hasSuffix("/demo/app") == true)
        #expect(app.build?.args == ["VERSION": "1", "FROM_HOST": "h"])
        #expect(app.build?.dockerfile == "Dockerfile")
    }

    @Test(
        "extra_hosts as a mapping, and IPv6 addresses",
        arguments: [
            "extra_hosts:\n  db: 10.0.0.2\n  v6: \"::1\"",
            "extra_hosts: [\"db=10.0.0.2\", \"v6:[::1]\"]",
            "extra_hosts: [\"db:10.0.0.2\", \"v6:::1\"]",
        ])
    func extraHostForms(_ body: String) throws {
        #expect(
            try service(body).extraHosts == [
                ExtraHost(hostname: "db", address: "10.0.0.2"), ExtraHost(hostname: "v6", address: "::1"),
            ])
    }

    @Test(
        "byte sizes",
        arguments: [
            ("1024", Int64(1024)), ("1024b", 1024), ("512k", 524_288), ("64m", 67_108_864), ("1g", 1_073_741_824),
            ("2GB", 2_147_483_648), ("1.5k", 1536),
        ])
    func byteSizes(_ text: String, _ bytes: Int64) {
        #expect(ByteSize.parse(text) == bytes)
    }

    @Test("shell words fail on open quotes", arguments: ["echo 'open", "echo \"open", "trailing\\"])
    func shellWordsFail(_ text: String) {
        #expect(throws: ShellWords.Failure.self) { try ShellWords.split(text) }
    }
}
