// In-process benchmarks of the pure targets. Prints figures; asserts nothing.
import Foundation
import Planner
import StackFile

/// Median wall time of `body` over `runs` runs, in milliseconds.
func medianMilliseconds(runs: Int, _ body: () throws -> Void) rethrows -> Double {
    var samples: [Double] = []
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    return samples.sorted()[samples.count / 2]
}

/// A project of `services` services with `replicas` replicas each, on two networks.
func syntheticProject(services: Int, replicas: Int) -> Project {
    var project = Project(name: "bench", workingDirectory: "/srv/bench")
    project.networks["default"] = Network(key: "default", name: "bench_default")
    project.networks["back"] = Network(key: "back", name: "bench_back")
    for number in 0..<services {
        var service = Service(name: "svc\(number)")
        service.image = "busybox"
        service.command = ["httpd", "-f", "-p", "\(8000 + number)"]
        service.environment = ["INDEX": "\(number)", "LEVEL": "info", "PEER": "svc\((number + 1) % services)"]
        service.networks = ["default": ServiceNetwork(aliases: ["a\(number)"]), "back": ServiceNetwork()]
        service.deploy = Deploy(replicas: replicas, limits: ResourceLimits(memory: 64 << 20))
        if number > 0 { service.dependsOn = ["svc\(number - 1)": Dependency()] }
        project.services[service.name] = service
    }
    return project
}

let arguments = CommandLine.arguments
if arguments.count > 2, arguments[1] == "generate" {
    // `swiftstack-bench generate N`: a compose file with N services on stdout, for CLI timing.
    let count = Int(arguments[2]) ?? 200
    var yaml = "name: bench\nservices:\n"
    for number in 0..<count {
        yaml += """
              svc\(number):
                image: busybox
                command: ["httpd", "-f", "-p", "\(8000 + number)"]
                environment:
                  INDEX: "\(number)"
                  LEVEL: ${LEVEL:-info}
                ports: ["\(20000 + number):\(8000 + number)"]
                volumes: ["data\(number % 10):/data"]
                healthcheck: {test: ["CMD", "true"], interval: 5s}
                deploy: {resources: {limits: {memory: 64m, cpus: "0.5"}}}

            """
        if number > 0 { yaml += "    depends_on: [svc\(number - 1)]\n" }
    }
    yaml += "volumes:\n" + (0..<10).map { "  data\($0): {}\n" }.joined()
    print(yaml, terminator: "")
    exit(0)
}

// Planner on 1,000 containers: 100 services × 10 replicas; a tenth of them changed, some exited.
let project = syntheticProject(services: 100, replicas: 10)
let desired = try DesiredState(project: project)
var observed = ObservedState(images: ["busybox": "sha256:1"])
for container in desired.containers {
    var fields = container.fields
    var hash = container.configHash
    if container.index == 3 {
        fields = fields.map { $0.path == "environment.LEVEL" ? ConfigField($0.path, "debug") : $0 }
        hash = ConfigHash.compute(fields)
    }
    observed.containers.append(
        ObservedContainer(
            name: container.name, service: container.service, index: container.index, configHash: hash,
            fields: fields, imageID: "sha256:1", status: container.index == 7 ? .exited(code: 1) : .running))
}
observed.networks = desired.networks.map {
    ObservedResource(name: $0.name, configHash: $0.configHash, fields: $0.fields)
}

var plan = Plan(project: "bench")
let planMs = try medianMilliseconds(runs: 21) { plan = try Planner.up(desired, observed) }
let desiredMs = try medianMilliseconds(runs: 21) { _ = try DesiredState(project: project) }
print(
    String(
        format: "planner: %d containers, %d actions: median %.2f ms (goal < 50 ms)", desired.containers.count,
        plan.actions.count, planMs))
print(
    String(
        format: "desired state + config hashes for %d containers: median %.2f ms", desired.containers.count, desiredMs))
