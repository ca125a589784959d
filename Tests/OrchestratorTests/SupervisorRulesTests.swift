import Foundation
import Network
import Orchestrator
import StackFile
import Testing

/// The supervisor's decisions without a kernel: which names DNS answers, when a container is
/// restarted, and how healthcheck results change its health.
@Suite struct SupervisorRulesTests {
    let address = { (last: UInt32) in IPv4Address(0x0A79_1000 | last) }

    func supervised(_ services: [Service], networks: [String: Network] = [:]) -> SupervisedProject {
        var stack = project(services)
        for (key, network) in networks { stack.networks[key] = network }
        return SupervisedProject(project: stack)
    }

    @Test func namesCoverServiceContainerAndAliasesOnlyOnTheirNetwork() {
        let project = supervised(
            [
                service("web") {
                    $0.networks = ["default": ServiceNetwork(aliases: ["www"]), "back": ServiceNetwork()]
                },
                service("db") { $0.networks = ["back": ServiceNetwork(aliases: ["database"])] },
            ], networks: ["back": Network(key: "back", name: "demo_back")])
        let table = NameTable.build(
            project: project,
            running: [
                .init(name: "demo-web-1", service: "web", health: nil),
                .init(name: "demo-web-2", service: "web", health: nil),
                .init(name: "demo-db-1", service: "db", health: nil),
            ],
            addresses: [
                "demo_default": ["demo-web-1": address(2), "demo-web-2": address(3)],
                "demo_back": ["demo-web-1": address(12), "demo-web-2": address(13), "demo-db-1": address(14)],
            ])
        #expect(table["demo_default"]?["web"] == [address(2), address(3)])
        #expect(table["demo_default"]?["www"] == [address(2), address(3)])
        #expect(table["demo_default"]?["demo-web-2"] == [address(3)])
        #expect(table["demo_default"]?["db"] == nil, "db is not on the default network")
        #expect(table["demo_default"]?["database"] == nil)
        #expect(table["demo_back"]?["db"] == [address(14)])
        #expect(table["demo_back"]?["database"] == [address(14)])
        #expect(table["demo_back"]?["web"] == [address(12), address(13)])
        #expect(table["demo_back"]?["www"] == nil, "aliases are per network")
    }

    @Test func aServiceWithAHealthcheckIsAnsweredByItsHealthyReplicasOnly() {
        let project = supervised([service("api") { $0.healthcheck = Healthcheck(test: ["CMD", "true"]) }])
        let addresses = ["demo_default": ["demo-api-1": address(2), "demo-api-2": address(3)]]
        let oneHealthy = NameTable.build(
            project: project,
            running: [
                .init(name: "demo-api-1", service: "api", health: .unhealthy),
                .init(name: "demo-api-2", service: "api", health: .healthy),
            ], addresses: addresses)
        #expect(oneHealthy["demo_default"]?["api"] == [address(3)])
        #expect(oneHealthy["demo_default"]?["demo-api-1"] == [address(2)], "the container's own name still answers")
        let noneHealthyYet = NameTable.build(
            project: project,
            running: [
                .init(name: "demo-api-1", service: "api", health: .starting),
                .init(name: "demo-api-2", service: "api", health: .starting),
            ], addresses: addresses)
        #expect(noneHealthyYet["demo_default"]?["api"] == [address(2), address(3)])
        let stopped = NameTable.build(
            project: project, running: [.init(name: "demo-api-2", service: "api", health: .starting)],
            addresses: addresses)
        #expect(stopped["demo_default"]?["demo-api-1"] == nil, "a stopped container's name disappears")
    }

    @Test func aRollingUpdatesNewReplicaIsNotAnsweredByServiceNameBeforeItIsHealthy() {
        let project = supervised([service("api") { $0.healthcheck = Healthcheck(test: ["CMD", "true"]) }])
        let addresses = [
            "demo_default": ["demo-api-1": address(2), "demo-api-2": address(3), "demo-api-3": address(4)]
        ]
        for fresh in [HealthStatus?.none, .starting, .unhealthy] {
            let table = NameTable.build(
                project: project,
                running: [
                    .init(name: "demo-api-1", service: "api", health: .healthy),
                    .init(name: "demo-api-2", service: "api", health: .healthy),
                    .init(name: "demo-api-3", service: "api", health: fresh),
                ], addresses: addresses)
            #expect(
                table["demo_default"]?["api"] == [address(2), address(3)], "new replica \(String(describing: fresh))")
        }
    }

    @Test func onFailureThreeGivesUpAfterThreeRestartsAndIgnoresSuccess() {
        let rule = RestartRule(service("job") { $0.restart = .onFailure(maxRetries: 3) })
        var record = RestartRecord(containerID: "c1")
        let start = Date(timeIntervalSince1970: 1000)
        var now = start
        for attempt in 0..<3 {
            #expect(schedule(&record, exit: now, ranFor: 0.01, exitCode: 3, rule: rule, now: now), "attempt \(attempt)")
            now = record.dueAt!
            record.restarted(at: now)
        }
        #expect(!schedule(&record, exit: now, ranFor: 0.01, exitCode: 3, rule: rule, now: now))
        #expect(record.gaveUp)
        var clean = RestartRecord(containerID: "c2")
        #expect(
            !schedule(&clean, exit: now, ranFor: 1, exitCode: 0, rule: rule, now: start), "exit 0 is not a failure")
        var unseen = RestartRecord(containerID: "c3")
        #expect(
            schedule(&unseen, exit: now, ranFor: nil, exitCode: nil, rule: rule, now: start),
            "an unknown exit counts as a failure")
    }

    @Test func backOffDoublesIsCappedAndResetsAfterALongRun() {
        let rule = RestartRule(service("web") { $0.restart = .always })
        #expect(rule.delay(afterAttempts: 0) == 0.1)
        #expect(rule.delay(afterAttempts: 3) == 0.8)
        #expect(rule.delay(afterAttempts: 40) == RestartRule.maxDelaySeconds)
        var record = RestartRecord(containerID: "c1")
        let now = Date(timeIntervalSince1970: 1000)
        for _ in 0..<4 {
            _ = record.schedule(run: "r", ranFor: 0.5, exitCode: 137, rule: rule, now: now)
            record.restarted(at: now)
        }
        #expect(schedule(&record, exit: now, ranFor: 0.5, exitCode: 137, rule: rule, now: now))
        #expect(record.dueAt == now.addingTimeInterval(1.6))
        #expect(record.handledRun == "\(now.timeIntervalSince1970)")
        #expect(schedule(&record, exit: now, ranFor: 60, exitCode: 137, rule: rule, now: now))
        #expect(
            record.dueAt == now.addingTimeInterval(0.1), "a container that ran long enough starts the back-off afresh")
    }

    @Test func deployRestartPolicyWinsWithItsDelayAttemptsAndWindow() {
        let rule = RestartRule(
            service("web") {
                $0.restart = .always
                $0.deploy = Deploy(
                    restartPolicy: DeployRestartPolicy(
                        condition: .onFailure, delay: .seconds(2), maxAttempts: 2, window: .seconds(60)))
            })
        #expect(rule.condition == .onFailure)
        #expect(rule.delay(afterAttempts: 0) == 2)
        var record = RestartRecord(containerID: "c1")
        let now = Date(timeIntervalSince1970: 1000)
        record.restarts = [now.addingTimeInterval(-120), now.addingTimeInterval(-10)]
        #expect(record.attempts(rule: rule, now: now) == 1, "restarts outside the window do not count")
        #expect(schedule(&record, exit: now, ranFor: 1, exitCode: 1, rule: rule, now: now))
        record.restarts.append(now)
        #expect(!schedule(&record, exit: now, ranFor: 1, exitCode: 1, rule: rule, now: now))
        #expect(RestartRule(service("x") { $0.restart = .no }).shouldRestart(exitCode: 1, attempts: 0) == false)
    }

    @Test func healthFollowsDockersRules() {
        let rule = HealthRule(
            command: ["true"], intervalSeconds: 1, retries: 2, startPeriodSeconds: 5, startIntervalSeconds: 0.2)
        var record = HealthRecord(containerID: "c1", processStart: 1)
        record.record(success: false, elapsed: 1, rule: rule)
        record.record(success: false, elapsed: 2, rule: rule)
        #expect(record.status == .starting, "failures in the start period do not count")
        record.record(success: true, elapsed: 3, rule: rule)
        #expect(record.status == .healthy)
        record.record(success: false, elapsed: 4, rule: rule)
        #expect(record.status == .healthy, "one failure of two allowed")
        record.record(success: false, elapsed: 4.5, rule: rule)
        #expect(record.status == .unhealthy)
        #expect(rule.spacing(elapsed: 1) == 0.2)
        #expect(rule.spacing(elapsed: 6) == 1)
    }

    @Test func publishedPortsExpandRangesAndDefaultToEveryAddress() {
        let project = supervised([
            service("web") {
                $0.ports = [
                    Port(target: 80, published: 8080),
                    Port(
                        target: 53, targetEnd: 54, published: 5353, publishedEnd: 5354, hostIP: "127.0.0.2",
                        transportProtocol: .udp),
                    Port(target: 9000),
                ]
            }
        ])
        #expect(
            project.publishedPorts == [
                PublishedPort(service: "web", hostIP: "0.0.0.0", hostPort: 8080, targetPort: 80, transport: "tcp"),
                PublishedPort(service: "web", hostIP: "127.0.0.2", hostPort: 5353, targetPort: 53, transport: "udp"),
                PublishedPort(service: "web", hostIP: "127.0.0.2", hostPort: 5354, targetPort: 54, transport: "udp"),
            ])
    }
}

/// `RestartRecord.schedule` outside `#expect`, which cannot call a mutating method.
private func schedule(
    _ record: inout RestartRecord, exit: Date, ranFor: Double?, exitCode: Int?, rule: RestartRule, now: Date
) -> Bool {
    // The run key: a distinct exit time stands for a distinct run.
    record.schedule(
        run: "\(exit.timeIntervalSince1970)", ranFor: ranFor, exitCode: exitCode, rule: rule, now: now)
}
