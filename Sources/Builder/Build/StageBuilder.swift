import Foundation
import Images
import Runtime

/// What a finished stage hands to later stages (`FROM stage`, `COPY --from=stage`).
struct StageResult: Sendable {
    /// Nil for a `FROM scratch` stage that produced nothing.
    var image: Image?
    /// Its SHELL, which a stage built on it inherits (also in the config's `Shell` once committed).
    var shell: [String]
}

/// Builds one stage, step by step, committing each step to the store (or taking it from the
/// cache). Runs on one task; the builder runs independent stages' builders in parallel.
final class StageBuilder {
    let stage: ResolvedStage
    let context: BuildContext
    /// Results of the stages this one depends on.
    let earlier: [Int: StageResult]

    var current: Image?
    var config = ImageConfig()
    var shell = ["/bin/sh", "-c"]
    /// Whether CMD was set in this stage: an ENTRYPOINT then keeps it, else clears the inherited one.
    var cmdSet = false
    var executed = 0
    var cached = 0

    init(stage: ResolvedStage, context: BuildContext, earlier: [Int: StageResult]) {
        self.stage = stage
        self.context = context
        self.earlier = earlier
    }

    var file: String { context.graph.file }

    func build() throws -> StageResult {
        let count = stage.steps.count
        for (offset, step) in stage.steps.enumerated() {
            let number = context.nextStepNumber()
            let text = Self.summary(of: step.instruction)
            func event(_ kind: BuildEvent.Kind) {
                context.progress(
                    BuildEvent(
                        kind: kind, number: number, stage: stage.name ?? "stage-\(stage.index)", position: offset + 1,
                        count: count,
                        text: text))
            }
            event(.started)
            let clock = ContinuousClock()
            let began = clock.now
            let cachedOrRan: Bool?
            do {
                cachedOrRan = try apply(step, output: { event(.output($0)) })
            } catch var error as BuilderError {
                if error.file == nil { error.file = file }
                if error.line == nil { error.line = step.triggeredBy ?? step.instruction.line }
                throw error
            }
            switch cachedOrRan {
            case true?:
                cached += 1
                event(.cached)
            case false?:
                executed += 1
                event(.finished(clock.now - began))
            case nil:
                event(.finished(clock.now - began))
            }
        }
        return StageResult(image: current, shell: shell)
    }

    /// One line for progress: the instruction as written, continuations joined, shortened.
    static func summary(of instruction: Instruction) -> String {
        let text = instruction.original.split(whereSeparator: \.isNewline).joined(separator: " ")
        return text.count > 120 ? String(text.prefix(117)) + "..." : text
    }

    /// Applies one step: true when its result came from the cache, false when it ran, nil for
    /// FROM and ARG, which neither run nor cache anything.
    func apply(_ step: ResolvedStep, output: (String) -> Void) throws -> Bool? {
        let instruction = step.expanded
        switch instruction.keyword {
        case .from:
            try startFrom()
            return nil
        case .run:
            return try run(step, output: output)
        case .copy, .add:
            return try copy(step)
        case .workdir:
            return try workdir(step)
        case .arg:
            // Build arguments live in RUN environments only; the image does not change.
            return nil
        default:
            var next = config
            try applyConfig(instruction, to: &next)
            return try commitConfig(next, step: step)
        }
    }

    // MARK: - FROM

    func startFrom() throws {
        switch stage.base {
        case .scratch:
            // As BuildKit does, a scratch stage's image gets the default PATH.
            current = nil
            config = ImageConfig(env: ["PATH=" + Dockerfile.defaultPath])
        case .stage(let index):
            guard let result = earlier[index] else {
                throw BuilderError(.missingStage, "stage \(index) was not built before stage \(stage.displayName)")
            }
            current = result.image
            config = result.image?.config ?? ImageConfig()
            shell = result.shell
        case .image(let reference):
            current = try context.image(reference)
            config = current?.config ?? ImageConfig()
            shell = config.shell ?? shell
        }
        // The base's ONBUILD triggers run in this stage (the resolver put them first) and, as
        // in Docker, are not handed further down.
        config.onBuild = []
        if let platform = stage.platform {
            context.warn("FROM --platform=\(platform) is ignored: this builder builds for the host only")
        }
    }

    // MARK: - Config-only instructions

    func applyConfig(_ instruction: Instruction, to config: inout ImageConfig) throws {
        switch (instruction.keyword, instruction.arguments) {
        case (.env, .environment(let pairs)):
            for pair in pairs {
                config.env.removeAll { $0.hasPrefix(pair.key + "=") || $0 == pair.key }
                config.env.append(pair.key + "=" + pair.value)
            }
        case (.label, .labels(let pairs)), (.maintainer, .labels(let pairs)):
            for pair in pairs { config.labels[pair.key] = pair.value }
        case (.expose, .ports(let words)):
            var ports = Set(config.exposedPorts)
            for word in words {
                guard let port = ExposedPort(word) else {
                    throw BuilderError(
                        .invalidArguments, "invalid port '\(word)' in EXPOSE",
                        hint: "write PORT, PORT/tcp, PORT/udp or a range like 8000-8010")
                }
                ports.insert(port.description)
            }
            config.exposedPorts = ports.sorted()
        case (.cmd, .command(let form)):
            config.cmd = command(form)
            cmdSet = true
        case (.entrypoint, .command(let form)):
            config.entrypoint = command(form)
            if !cmdSet { config.cmd = nil }
        case (.user, .value(let user)):
            config.user = user
        case (.stopsignal, .value(let signal)):
            config.stopSignal = signal
        case (.volume, .volumes(let paths, _)):
            config.volumes = Array(Set(config.volumes + paths)).sorted()
        case (.shell, .command(.exec(let words))):
            shell = words
            config.shell = words
        case (.healthcheck, .healthcheck(let spec)):
            config.healthcheck = healthcheck(spec, inherited: config.healthcheck)
        case (.onbuild, .onbuild(let trigger)):
            // Saved as Docker does (`OnBuild`); a later `FROM` of this image or stage runs it
            // (the resolver inserts it there).
            config.onBuild.append(trigger.original.trimmingCharacters(in: .whitespaces))
        default:
            throw BuilderError(
                .invalidArguments, "\(instruction.keyword.rawValue) has arguments of an unexpected shape")
        }
    }

    func command(_ form: CommandForm) -> [String] {
        switch form {
        case .exec(let words): words
        case .shell(let text): shell + [text]
        }
    }

    func healthcheck(_ spec: HealthcheckSpec, inherited: ImageHealthcheck?) -> ImageHealthcheck {
        switch spec {
        case .none:
            return ImageHealthcheck(test: ["NONE"])
        case .check(let form, let options):
            let test: [String]
            switch form {
            case .exec(let words): test = ["CMD"] + words
            case .shell(let text): test = ["CMD-SHELL", text]
            }
            func nanoseconds(_ duration: Duration?) -> Int64? {
                duration.map { $0.components.seconds * 1_000_000_000 + $0.components.attoseconds / 1_000_000_000 }
            }
            return ImageHealthcheck(
                test: test, interval: nanoseconds(options.interval), timeout: nanoseconds(options.timeout),
                startPeriod: nanoseconds(options.startPeriod), startInterval: nanoseconds(options.startInterval),
                retries: options.retries)
        }
    }

    /// Commits a step that changed only the config (cached like any other step, so an
    /// unchanged rebuild gives the very same image).
    func commitConfig(_ next: ImageConfig, step: ResolvedStep) throws -> Bool {
        let key = cacheKey(step, extra: [])
        if let hit = cachedImage(key) {
            adopt(hit)
            return true
        }
        let image = try context.engine {
            try context.store.commit(
                base: current, config: next, emptyLayerHistory: history(step), reference: nil)
        }
        try record(image, key: key)
        return false
    }

    // MARK: - Shared by every step

    func history(_ step: ResolvedStep, createdBy: String? = nil) -> HistoryEntry {
        HistoryEntry(
            createdBy: createdBy ?? step.instruction.original, comment: "swiftstack build")
    }

    func cacheKey(_ step: ResolvedStep, extra: [String]) -> String {
        BuildCache.key(
            [
                current?.id ?? "scratch", config.workingDir ?? "", config.user ?? "", shell.joined(separator: "\u{1}"),
                cmdSet ? "cmd-set" : "", step.expanded.description,
            ] + extra)
    }

    func cachedImage(_ key: String) -> Image? {
        guard !context.options.noCache, let id = context.cache.lookup(key) else { return nil }
        return context.cachedImage(id: id)
    }

    func adopt(_ image: Image) {
        current = image
        config = image.config
    }

    func record(_ image: Image, key: String) throws {
        adopt(image)
        try? context.cache.store(key, imageID: image.id)
    }

    /// The image's files as overlayfs would show them.
    func imageTree() throws -> LayeredTree {
        guard let current else { return LayeredTree(layers: []) }
        return LayeredTree(layers: try context.engine { try context.store.layerDirectories(of: current) })
    }

    /// WORKDIR's and relative COPY destinations' base.
    func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return ContextPath.clean(path) }
        return ContextPath.clean((config.workingDir ?? "/") + "/" + path)
    }
}
