import ArgumentParser
import Foundation
import Orchestrator
import Runtime

/// `ps` for a project (a stack file in sight, or `-p`): Compose's NAME, IMAGE, COMMAND,
/// SERVICE, CREATED, STATUS (with health), PORTS. Starts the project's supervisor again when
/// it is gone and the project still has containers (it re-adopts them).
struct ProjectPsView {
    let global: GlobalOptions
    let project: String
    let services: [String]
    let all: Bool
    let format: String
    let quiet: Bool

    /// One `--format json` line.
    struct Row: Encodable {
        var Name: String
        var Service: String
        var Image: String
        var Command: String
        var State: String
        var Status: String
        var Health: String
        var ExitCode: Int32?
        var Ports: String
    }

    func run() throws {
        let client = SupervisorClient(
            paths: SupervisorPaths(stateRoot: global.stateRoot, runDirectory: global.runDirectory, project: project))
        let containers = global.containerRuntime.list().filter { $0.spec.labels[ProjectLabels.project] == project }
        if client.savedProject != nil, containers.contains(where: \.isRunning), client.process == nil {
            do { try client.ensureRunning(nil) } catch { Console.error("warning: \(error)") }
        }
        let saved = client.savedProject
        let health = client.health
        let rows = containers.filter { container in
            guard all || container.isRunning else { return false }
            let service = container.spec.labels[ProjectLabels.service] ?? ""
            return services.isEmpty || services.contains(service)
        }.map { container -> Row in
            let service = container.spec.labels[ProjectLabels.service] ?? ""
            var status = ContainerDescription.status(container)
            var healthText = ""
            if container.isRunning, saved?.service(service)?.health != nil {
                let record = health[container.name]
                let current =
                    record?.containerID == container.id && record?.processStart == container.liveProcess?.startTime
                healthText = current ? record!.status.rawValue : HealthStatus.starting.rawValue
                status += healthText == "starting" ? " (health: starting)" : " (\(healthText))"
            }
            let ports =
                container.isRunning
                ? (saved?.service(service)?.ports ?? []).map {
                    "\($0.hostIP):\($0.hostPort)->\($0.targetPort)/\($0.transport)"
                }
                .joined(separator: ", ") : ""
            let command = container.spec.command.joined(separator: " ")
            return Row(
                Name: container.name, Service: service, Image: container.spec.image, Command: command,
                State: container.isRunning ? "running" : container.state.status.rawValue, Status: status,
                Health: healthText, ExitCode: container.isRunning ? nil : container.state.exitCode, Ports: ports)
        }
        if quiet {
            for container in containers where rows.contains(where: { $0.Name == container.name }) {
                print(String(container.id.prefix(12)))
            }
            return
        }
        if format == "json" {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            for row in rows { print(String(decoding: try encoder.encode(row), as: UTF8.self)) }
            return
        }
        ContainerDescription.printTable(
            header: ["NAME", "IMAGE", "COMMAND", "SERVICE", "STATUS", "PORTS"],
            rows: rows.map { row in
                let shown = row.Command.count > 20 ? String(row.Command.prefix(19)) + "…" : row.Command
                return [row.Name, row.Image, "\"\(shown)\"", row.Service, row.Status, row.Ports]
            })
    }

    /// Whether `ps` means a project: `-p` or `-f` given, or a stack file in the directory.
    static func applies(_ stack: StackOptions) -> Bool {
        if stack.projectName != nil || !stack.files.isEmpty { return true }
        let directory = stack.projectDirectory ?? FileManager.default.currentDirectoryPath
        return ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"].contains {
            FileManager.default.fileExists(atPath: directory + "/" + $0)
        }
    }
}
