import ArgumentParser
import Foundation
import Glibc
import Images
import Network
import Runtime

/// `swiftstack run`: create and start a container from an image (Docker's flags).
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a command in a new container.",
        discussion:
            "Exits with the container's exit code; 125 when swiftstack failed, 126 when the command cannot be invoked, 127 when it is not found."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Remove the container when it exits.") var rm = false
    @Flag(name: [.short, .customLong("detach")], help: "Run in the background and print the container id.") var detach =
        false
    @Option(name: .long, help: "Container name.") var name: String?
    @Option(name: [.short, .customLong("env")], help: "Set an environment variable (KEY=VALUE, or KEY to pass ours).")
    var env: [String] = []
    @Option(name: .customLong("env-file"), help: "Read environment variables from a file.") var envFile: [String] = []
    @Option(
        name: [.short, .customLong("volume")], help: "Bind mount SRC:DST[:ro] (a SRC without '/' is a named volume).")
    var volume: [String] = []
    @Option(name: .customLong("tmpfs"), help: "Mount a tmpfs at DST[:OPTIONS].") var tmpfs: [String] = []
    @Option(name: [.short, .customLong("workdir")], help: "Working directory inside the container.") var workdir:
        String?
    @Option(name: [.short, .customLong("user")], help: "USER[:GROUP] by name or id.") var user: String?
    @Option(name: .long, help: "Container host name.") var hostname: String?
    @Option(name: .long, help: "none, host, container:NAME, or a network's name (`network create`).")
    var network: String?
    @Option(name: .customLong("network-alias"), help: "A further name on the --network (repeatable).")
    var networkAlias: [String] = []
    @Option(
        name: [.short, .customLong("publish")],
        help:
            "Publish [IP:][HOST:]CONTAINER[/tcp|udp] (ranges as 8000-8002:80-82; no HOST: a free one) on --network NAME."
    )
    var publish: [String] = []
    @Option(name: [.short, .customLong("memory")], help: "Memory limit (e.g. 64m).") var memory: String?
    @Option(name: .long, help: "CPUs (e.g. 0.5).") var cpus: Double?
    @Option(name: .customLong("pids-limit"), help: "Maximum number of processes.") var pidsLimit: Int?
    @Flag(name: .customLong("read-only"), help: "Mount the root filesystem read-only.") var readOnly = false
    @Option(name: .customLong("cap-add"), help: "Add a capability.") var capAdd: [String] = []
    @Option(name: .customLong("cap-drop"), help: "Drop a capability.") var capDrop: [String] = []
    @Flag(name: .long, help: "Run an init as PID 1 that forwards signals and reaps zombies.") var `init` = false
    @Flag(name: [.short, .customLong("interactive")], help: "Keep stdin open.") var interactive = false
    @Flag(name: [.short, .customLong("tty")], help: "Allocate a pseudo-terminal.") var tty = false
    @Option(name: .long, help: "Override the image's ENTRYPOINT.") var entrypoint: String?
    @Option(name: .customLong("stop-timeout"), help: "Seconds to wait for the stop signal before SIGKILL.")
    var stopTimeout: Int?

    @Flag(
        name: .customShort("T"),
        help: "Project run: no pseudo-terminal (by default one is allocated when stdin and stdout are terminals).")
    var noTTY = false
    @Option(name: [.short, .customLong("file")], help: "Project run: stack file (repeatable).") var files: [String] = []
    @Option(name: .customLong("project-name"), help: "Project run: project name.") var projectName: String?

    @Argument(help: "The image; in a project (a stack file in sight, -p or --file): a service.") var image: String
    @Argument(parsing: .captureForPassthrough, help: "Command and arguments.") var command: [String] = []

    func run() throws {
        // Parsing StackOptions costs ArgumentParser's reflection: only when a project may apply.
        if !files.isEmpty || projectName != nil || Self.stackFileInSight() {
            var stack = try StackOptions.parse([])
            (stack.files, stack.projectName) = (files, projectName)
            if ProjectRun.applies(stack, service: image) {
                let code = try ProjectRun(
                    global: global, stack: stack, service: image, command: command, environment: env,
                    entrypoint: entrypoint, name: name, remove: rm, detach: detach, noTTY: noTTY
                ).run()
                if code != 0 { throw ExitCode(code) }
                return
            }
        }
        let runtime = global.containerRuntime
        var spec = try ContainerCommandErrors.reporting(exitCode: 125) { try makeSpec(runtime) }
        // Checked before anything exists: a taken host port leaves nothing half-created.
        let ports = try ContainerCommandErrors.reporting(exitCode: 125) { try portMappings() }
        if !ports.isEmpty { spec.labels[RunPortsLabel.key] = PortMapping.label(ports) }
        // On a named network the namespace is wired (veth, address) before the container
        // exists, and lives as long as this object until the container has joined it.
        let attachment = try ContainerCommandErrors.reporting(exitCode: 125) { try createAttached(&spec, runtime) }
        defer { withExtendedLifetime(attachment) {} }
        if detach {
            try ContainerCommandErrors.reporting(exitCode: 125) {
                do { try startMonitor(spec) } catch {
                    attachment?.release()
                    throw error
                }
            }
            attachment?.startNameServer(global)
            print(spec.id)
            return
        }
        attachment?.startNameServer(global)
        defer { if rm { attachment?.releaseAfterRemoval() } }
        // A foreground run owns its container, so it holds the proxies itself.
        let proxies = try ContainerCommandErrors.reporting(exitCode: 125) {
            guard !ports.isEmpty else { return nil as RunPortProxies? }
            do { return try RunPortProxies.start(for: runtime.container(spec.id), store: global.networkStore) } catch {
                try? runtime.delete(spec.id, force: true)
                if !rm { attachment?.release() }
                throw error
            }
        }
        defer { withExtendedLifetime(proxies) {} }
        let state = try ContainerCommandErrors.reporting(exitCode: 125) {
            try runtime.runOwned(
                spec.id, echo: true, stdin: interactive ? 0 : nil, rawTerminal: tty && interactive,
                removeInBackground: true
            ) {
                pid in
                SignalForwarding.install(forwardingTo: pid)
            }
        }
        if let code = state.exitCode, code != 0 { throw ExitCode(code) }
        if state.exitCode == nil { throw ExitCode(125) }
    }

    /// Whether the working directory holds a stack file (the names `ProjectPsView.applies` knows).
    static func stackFileInSight() -> Bool {
        let names: [String] = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"]
        return names.contains { access($0, F_OK) == 0 }
    }

    /// Image defaults + flags → a container spec (Docker's precedence: flags win).
    func makeSpec(_ runtime: ContainerRuntime) throws -> ContainerSpec {
        let store = try ImageStore(root: global.stateRoot + "/images")
        let image: Image
        do { image = try store.image(self.image) } catch {
            throw RuntimeError(.notFound, "unable to find image '\(self.image)' locally: \(error.message)")
        }
        let layers = try store.layerDirectories(of: image)
        let config = image.config
        let argv = ContainerSpec.combine(
            entrypoint: config.entrypoint ?? [], cmd: config.cmd ?? [], arguments: command,
            entrypointOverride: entrypoint.map { $0.isEmpty ? [] : [$0] })
        var environment = config.env
        for file in envFile { environment += try ContainerOptionParsing.readEnvFile(file) }
        environment += env.compactMap(ContainerOptionParsing.expand)

        var mounts = try volume.map(Mount.parseVolume)
        for entry in tmpfs {
            let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
            guard let target = parts.first, target.hasPrefix("/") else {
                throw RuntimeError(
                    .invalidArgument, "invalid --tmpfs '\(entry)': expected an absolute path DST[:OPTIONS]")
            }
            mounts.append(Mount(kind: .tmpfs, target: target, options: parts.count > 1 ? parts[1] : ""))
        }
        var limits = ResourceLimits()
        if let memory { limits.memoryBytes = try ResourceLimits.parseBytes(memory) }
        if let cpus {
            guard cpus > 0 else { throw RuntimeError(.invalidArgument, "--cpus must be greater than 0") }
            limits.cpus = cpus
        }
        limits.pids = pidsLimit

        let networkMode: NetworkMode
        switch network {
        case nil, "none", "bridge", "default": networkMode = .isolated
        case "host": networkMode = .host
        case let value? where value.hasPrefix("container:"):
            let other = try runtime.container(String(value.dropFirst("container:".count)))
            // Docker refuses it too: the container shares the target's UTS namespace.
            if hostname != nil {
                throw RuntimeError(
                    .invalidArgument,
                    "conflicting options: --hostname and --network \(value) (the container shares the host name of \(other.name)); drop --hostname"
                )
            }
            networkMode = .container(other.id)
        case let value?:
            guard global.networkStore.network(value) != nil else {
                throw RuntimeError(
                    .invalidArgument,
                    "unknown --network '\(value)': use none, host, container:NAME or a network from `swiftstack network ls`"
                )
            }
            networkMode = .isolated  // replaced by the attached namespace in `createAttached`
        }
        let stopSignal = try config.stopSignal.map(SignalName.parse) ?? SIGTERM

        var spec = ContainerSpec(
            lowerDirectories: layers, command: argv, environment: environment,
            workingDirectory: workdir ?? (config.workingDir.flatMap { $0.isEmpty ? nil : $0 } ?? "/"),
            user: user ?? config.user ?? "", hostname: hostname ?? "", mounts: mounts, network: networkMode,
            limits: limits, capAdd: capAdd, capDrop: capDrop, readOnlyRootfs: readOnly, useInit: self.`init`,
            tty: tty, stopSignal: stopSignal, stopTimeoutSeconds: stopTimeout ?? 10, autoRemove: rm)
        spec.image = self.image
        if let name {
            // Docker's rule: [a-zA-Z0-9][a-zA-Z0-9_.-]* (checked by hand: a regex costs start-up time).
            let allowed = { (c: Character) in c.isASCII && (c.isLetter || c.isNumber || "_.-".contains(c)) }
            guard let first = name.first, first.isASCII, first.isLetter || first.isNumber, name.allSatisfy(allowed)
            else {
                throw RuntimeError(
                    .invalidArgument, "invalid container name '\(name)': use letters, digits, '_', '.', '-'")
            }
            spec.name = name
        }
        return spec
    }

    /// `run -d`: a detached monitor (`swiftstack _monitor ID`) becomes the container's parent; we
    /// return once it reports that the command started (or why it did not, with Docker's code).
    func startMonitor(_ spec: ContainerSpec) throws {
        do {
            try global.containerRuntime.startDetached(spec.id)
        } catch let error as RuntimeError {
            // The monitor never ran (nothing else will ever settle the container), or it could not
            // bind a published port (taken since the check): nothing stays half-created.
            if error.code == .system || error.code == .alreadyExists {
                try? global.containerRuntime.delete(spec.id, force: true)
            }
            ContainerCommandErrors.report(error.message)
            throw ExitCode(error.exitCode)
        }
    }
}
