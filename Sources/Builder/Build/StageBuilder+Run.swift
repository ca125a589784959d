import Glibc
import Images
import Runtime

extension StageBuilder {
    /// RUN: a container over the current layers (network isolated: only `lo`), its output
    /// streamed; on success its overlay upper directory becomes the step's layer.
    func run(_ step: ResolvedStep, output: (String) -> Void) throws -> Bool {
        try checkRunFlags(step.expanded)
        let argv = runCommand(step.expanded)
        var environment = (step.runEnvironment ?? []).map { "\($0.name)=\($0.value)" }
        if !environment.contains(where: { $0.hasPrefix("PATH=") }) {
            environment.append("PATH=" + Dockerfile.defaultPath)
        }
        let key = cacheKey(step, extra: argv + ["\u{2}"] + environment)
        if let hit = cachedImage(key) {
            adopt(hit)
            return true
        }
        guard let base = current else {
            throw BuilderError(
                .unsupported, "RUN needs files to run: this stage starts FROM scratch and has none yet",
                hint: "start the stage from an image with a shell, or COPY a static binary in first")
        }
        let layers = try context.engine { try context.store.layerDirectories(of: base) }
        let spec = ContainerSpec(
            name: "swiftstack-build-" + ContainerSpec.newID().prefix(16), image: base.id, lowerDirectories: layers,
            command: argv, environment: environment, workingDirectory: config.workingDir ?? "/",
            user: config.user ?? "", network: .isolated, labels: [BuildLeftovers.containerLabel: "1"])
        let container = try context.engine { try context.runtime.create(spec) }
        defer { try? context.runtime.delete(container.id, force: true) }

        let (exitCode, lastLines) = try execute(container, output: output)
        guard exitCode == 0 else {
            let shown = lastLines.suffix(10).map { "  " + $0 }.joined(separator: "\n")
            throw BuilderError(
                .runFailed,
                "RUN \(argv.joined(separator: " ")) failed with exit code \(exitCode)"
                    + (shown.isEmpty ? "" : "; its last output:\n" + shown),
                hint: "fix the command, or run it in the base image with `swiftstack run --rm IMAGE sh` to debug")
        }
        removeRuntimeMountPoints(upper: container.upperDirectory, image: LayeredTree(layers: layers))
        let image = try context.engine {
            try context.store.commit(
                base: base, layerFrom: container.upperDirectory, config: config,
                history: history(step, createdBy: "RUN " + argv.joined(separator: " ")), reference: nil)
        }
        try record(image, key: key)
        return false
    }

    /// RUN always runs with only a loopback interface; mounts and insecure mode are not
    /// implemented, and are refused rather than silently ignored.
    func checkRunFlags(_ instruction: Instruction) throws {
        if let network = instruction.flag("network"), network != "none", network != "default" {
            throw BuilderError(
                .unsupported, "RUN --network=\(network) is not supported: build steps have no network",
                hint: "put what the step downloads into the build context and COPY it")
        }
        if let mount = instruction.flagValues("mount").first {
            throw BuilderError(
                .unsupported, "RUN --mount=\(mount) is not supported by this builder",
                hint: "COPY the files the step needs in an earlier step")
        }
        if let security = instruction.flag("security"), security != "sandbox" {
            throw BuilderError(.unsupported, "RUN --security=\(security) is not supported: build steps are sandboxed")
        }
    }

    /// The argv of a RUN: exec form as written; shell form through SHELL, with heredocs fed to
    /// the shell as part of the script (a lone `<<EOF` runs the body itself as the script).
    func runCommand(_ instruction: Instruction) -> [String] {
        guard case .command(let form) = instruction.arguments else { return shell }
        switch form {
        case .exec(let words):
            return words
        case .shell(let text):
            if instruction.heredocs.count == 1, let only = instruction.heredocs.first,
                text.trimmingCharacters(in: .whitespaces).hasSuffix("<<" + only.name)
                    || text.trimmingCharacters(in: .whitespaces).hasSuffix("<<-" + only.name),
                text.trimmingCharacters(in: .whitespaces).hasPrefix("<<")
            {
                return shell + [only.content]
            }
            guard !instruction.heredocs.isEmpty else { return shell + [text] }
            var script = text + "\n"
            for heredoc in instruction.heredocs { script += heredoc.content + heredoc.name + "\n" }
            return shell + [script]
        }
    }

    /// Starts the container with stdout and stderr on one pipe, relays its lines, waits.
    /// Returns the exit code (128+signal when killed) and the last lines of output.
    func execute(_ container: Container, output: (String) -> Void) throws -> (Int32, [String]) {
        // Close-on-exec from birth, so nothing another thread spawns meanwhile inherits the ends.
        let outputPipe = try makePipe()
        let fds = [outputPipe.read, outputPipe.write]
        let devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)
        let pid: Int32
        do {
            pid = try context.engine {
                try context.runtime.start(container.id, io: ProcessIO(stdin: devnull, stdout: fds[1], stderr: fds[1]))
            }
        } catch {
            close(fds[0])
            close(fds[1])
            close(devnull)
            throw error
        }
        close(fds[1])
        close(devnull)
        var pending: [UInt8] = []
        var lastLines: [String] = []
        func emit(_ bytes: ArraySlice<UInt8>) {
            let line = String(decoding: bytes, as: UTF8.self)
            output(line)
            lastLines.append(line)
            if lastLines.count > 20 { lastLines.removeFirst() }
        }
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            pending.append(contentsOf: buffer[0..<count])
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                emit(pending[..<newline])
                pending.removeSubrange(...newline)
            }
        }
        if !pending.isEmpty { emit(pending[...]) }
        close(fds[0])
        let state = try context.engine { try context.runtime.waitForExit(container.id, pid: pid) }
        return (state.exitCode ?? 255, lastLines)
    }

    /// The runtime creates mount points (`/proc`, `/dev`, `/etc/hosts`, …) the image may lack;
    /// they are the runtime's, not the step's, so they are left out of the layer when empty.
    func removeRuntimeMountPoints(upper: String, image: LayeredTree) {
        let points = [
            "etc/hosts", "etc/hostname", "etc/resolv.conf", "dev/shm", "dev/mqueue", "dev/pts", "proc", "sys", "dev",
            "etc",
        ]
        for point in points where image.entry("/" + point) == nil {
            let path = upper + "/" + point
            guard let status = LayeredTree.lstatus(path) else { continue }
            switch status.st_mode & S_IFMT {
            case S_IFDIR: rmdir(path)  // fails, as it should, when not empty
            case S_IFREG where status.st_size == 0: unlink(path)
            default: break
            }
        }
    }
}
