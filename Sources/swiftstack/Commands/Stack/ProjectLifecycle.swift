import ArgumentParser
import Foundation
import Glibc
import Orchestrator
import Runtime

/// `stop`, `kill`, `start`, `restart` for a project's services. Stop and kill record a stop
/// intent first, so the supervisor's restart policies leave those containers stopped; start
/// drops it.
struct ProjectLifecycle {
    let scope: ProjectScope

    /// Stops running containers (dependents first), each with `timeout` or its own grace period.
    func stop(_ services: [String], timeout: Int?) throws {
        let running = try scope.containers(services).filter(\.isRunning)
        let runtime = scope.global.containerRuntime
        let paths = scope.paths
        // Reverse dependency order, one service at a time, replicas side by side.
        var ok = true
        for group in groups(running).reversed() {
            ok =
                ProjectScope.forEach(group) { container in
                    StopIntent.record(stopping: container, stateRoot: paths.stateRoot, runDirectory: paths.runDirectory)
                    try runtime.stop(container.id, timeout: timeout)
                    Console.error("Container \(container.name)  Stopped")
                } && ok
        }
        if !ok { throw ExitCode(1) }
    }

    /// Sends `signal` to running containers; one meant to end them counts as a stop.
    func kill(_ services: [String], signal: Int32) throws {
        let running = try scope.containers(services).filter(\.isRunning)
        let runtime = scope.global.containerRuntime
        let paths = scope.paths
        let ok = ProjectScope.forEach(running) { container in
            if StopIntent.ends(signal: signal) {
                StopIntent.record(stopping: container, stateRoot: paths.stateRoot, runDirectory: paths.runDirectory)
            }
            try runtime.kill(container.id, signal: signal)
            Console.error("Container \(container.name)  Killed")
        }
        if !ok { throw ExitCode(1) }
    }

    /// Starts stopped containers, dependencies first.
    func start(_ services: [String]) throws {
        let stopped = try scope.containers(services).filter { !$0.isRunning }
        let engine = RuntimeEngine(stateRoot: scope.global.stateRoot, runDirectory: scope.global.runDirectory)
        let paths = scope.paths
        var ok = true
        for group in groups(stopped) {
            ok =
                ProjectScope.forEach(group) { container in
                    StopIntent.remove(paths, container: container.id)
                    try engine.start(container.name)
                    Console.error("Container \(container.name)  Started")
                } && ok
        }
        scope.ensureSupervisor()
        if !ok { throw ExitCode(1) }
    }

    /// Containers grouped by service, in the scope's order.
    private func groups(_ containers: [Container]) -> [[Container]] {
        var result: [[Container]] = []
        for container in containers {
            if let last = result.last?.last, ProjectScope.service(last) == ProjectScope.service(container) {
                result[result.count - 1].append(container)
            } else {
                result.append([container])
            }
        }
        return result
    }
}

/// `swiftstack start [SERVICE…]`: start a project's stopped containers.
struct StartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Start a project's services.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var stack: StackOptions
    @Argument(help: "Services (default: all).") var services: [String] = []

    func run() throws {
        try ProjectLifecycle(scope: ProjectScope.resolve(stack, global: global)).start(services)
    }
}

/// `swiftstack restart [-t SECS] [SERVICE…]`: stop, then start, a project's containers.
struct RestartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restart", abstract: "Restart a project's services.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var stack: StackOptions
    @Option(name: [.short, .customLong("timeout")], help: "Seconds to wait before SIGKILL.") var timeout: Int?
    @Argument(help: "Services (default: all).") var services: [String] = []

    func run() throws {
        let lifecycle = try ProjectLifecycle(scope: ProjectScope.resolve(stack, global: global))
        try lifecycle.stop(services, timeout: timeout)
        try lifecycle.start(services)
    }
}
