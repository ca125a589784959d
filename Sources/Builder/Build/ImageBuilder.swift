import Foundation
import Glibc
import Images
import Synchronization

/// Builds images from Dockerfiles with our own runtime: RUN steps run in containers over the
/// image's layers, COPY/ADD read only inside the context, every step is committed to the
/// image store (or answered by the step cache under `<stateRoot>/builder/cache/`).
///
/// Only the stages the target needs are built; stages of one wave (independent of each other)
/// build in parallel.
public struct ImageBuilder: Sendable {
    /// The state root (`--root`): images live in `<stateRoot>/images`, build containers in
    /// `<stateRoot>/containers`, the cache in `<stateRoot>/builder/cache`.
    public let stateRoot: String
    /// `SOURCE_DATE_EPOCH` for the images built: fixed `created` times and clamped file times.
    /// Defaults to the environment's.
    public var sourceDateEpoch: Int?

    public init(stateRoot: String, sourceDateEpoch: Int? = ImageBuilder.environmentSourceDateEpoch) {
        self.stateRoot = stateRoot
        self.sourceDateEpoch = sourceDateEpoch
    }

    /// `SOURCE_DATE_EPOCH` from the environment, when it is a non-negative integer.
    public static var environmentSourceDateEpoch: Int? {
        ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap { Int($0) }.flatMap { $0 >= 0 ? $0 : nil }
    }

    /// Builds `options.target` (or the last stage) and tags it with `options.tags`.
    /// - Throws: `BuilderError` with the Dockerfile and line of the failing step.
    public func build(
        _ options: BuildOptions, progress: @escaping @Sendable (BuildEvent) -> Void = { _ in }
    ) async throws -> BuildResult {
        try buildSynchronously(options, progress: progress)
    }

    /// `build` for callers on their own threads (the orchestrator's executor): blocks until done.
    public func buildSynchronously(
        _ options: BuildOptions, progress: @escaping @Sendable (BuildEvent) -> Void = { _ in }
    ) throws -> BuildResult {
        let context = try prepare(options, progress: progress)
        let waves = try context.graph.requiredStages(target: options.target)
        var results: [Int: StageResult] = [:]
        var executed = 0
        var cached = 0
        for wave in waves {
            let outcomes = Mutex<[Int: Result<(StageResult, Int, Int), any Error>]>([:])
            let earlier = results
            // The stages of a wave depend only on earlier waves: they build side by side.
            DispatchQueue.concurrentPerform(iterations: wave.count) { position in
                let index = wave[position]
                let builder = StageBuilder(stage: context.graph.stages[index], context: context, earlier: earlier)
                let outcome = Result { (try builder.build(), builder.executed, builder.cached) }
                outcomes.withLock { $0[index] = outcome }
            }
            let finished = outcomes.withLock { $0 }
            for index in wave {
                let (result, ran, hit) = try finished[index]!.get()
                results[index] = result
                executed += ran
                cached += hit
            }
        }
        let goal = try context.graph.targetStage(options.target).index
        var image: Image
        if let built = results[goal]?.image {
            image = built
        } else {
            // `FROM scratch` and nothing else: an empty image, as Docker makes one.
            image = try context.engine {
                try context.store.commit(
                    base: nil, config: ImageConfig(), emptyLayerHistory: HistoryEntry(createdBy: "FROM scratch"),
                    reference: nil)
            }
        }
        if !options.labels.isEmpty {
            image = try label(image, with: options.labels, context: context)
        }
        for tag in options.tags {
            image = try context.engine { try context.store.tag(image.id, as: tag) }
        }
        return BuildResult(
            imageID: image.id, manifestDigest: image.manifestDigest, executedSteps: executed, cachedSteps: cached,
            warnings: context.warnings)
    }

    /// The build's `--label`s on top of the built image: one config-only step, cached like the others.
    func label(_ image: Image, with labels: [String: String], context: BuildContext) throws -> Image {
        let pairs = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let key = BuildCache.key([image.id, "--label"] + pairs)
        if !context.options.noCache, let id = context.cache.lookup(key), let cached = context.cachedImage(id: id) {
            return cached
        }
        var config = image.config
        config.labels.merge(labels) { _, new in new }
        let labelled = try context.engine {
            try context.store.commit(
                base: image, config: config,
                emptyLayerHistory: HistoryEntry(createdBy: "LABEL " + pairs.joined(separator: " "), comment: "--label"),
                reference: nil)
        }
        try? context.cache.store(key, imageID: labelled.id)
        return labelled
    }

    /// Reads the Dockerfile and the ignore file, opens the store and resolves the stage graph.
    func prepare(_ options: BuildOptions, progress: @escaping @Sendable (BuildEvent) -> Void) throws -> BuildContext {
        guard let contextRoot = Self.realPath(options.contextDirectory),
            LayeredTree.lstatus(contextRoot).map({ $0.st_mode & S_IFMT == S_IFDIR }) ?? false
        else {
            throw BuilderError(
                .io, "the build context \(options.contextDirectory) is not a directory",
                hint: "give the directory holding the files to COPY, usually .")
        }
        let dockerfilePath = options.dockerfile ?? contextRoot + "/Dockerfile"
        let displayName = options.dockerfile ?? "Dockerfile"
        let dockerfile = try DockerfileParser.parse(contentsOfFile: dockerfilePath, displayName: displayName)
        let (ignore, ignoreFile) = try DockerIgnore.load(contextDirectory: contextRoot, dockerfilePath: dockerfilePath)
        for tag in options.tags {
            do {
                _ = try ImageReference(parsing: tag)
            } catch {
                throw BuilderError(.invalidArguments, "invalid tag '\(tag)': \(error)", hint: "write NAME or NAME:TAG")
            }
        }
        var store: ImageStore
        do {
            store = try ImageStore(root: stateRoot + "/images")
        } catch {
            throw BuilderError(.engine, "cannot open the image store: \(error)")
        }
        store.sourceDateEpoch = sourceDateEpoch
        let lookup = store
        let graph = try dockerfile.resolve(
            buildArguments: options.buildArguments,
            baseImage: { reference in
                guard let image = try? lookup.image(reference) else { return BaseImage() }
                let environment = image.config.env.map { entry -> KeyValue in
                    let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                    return KeyValue(String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
                }
                return BaseImage(environment: environment, onbuildTriggers: image.config.onBuild)
            },
            imageExists: { (try? lookup.image($0)) != nil })
        let context = BuildContext(
            graph: graph, options: options, contextRoot: contextRoot, ignore: ignore, ignoreFile: ignoreFile,
            store: store, stateRoot: stateRoot, progress: progress)
        BuildLeftovers.sweep(stateRoot: stateRoot, runtime: context.runtime)
        for name in graph.unusedBuildArguments {
            context.warn("build argument \(name) was given but no ARG declares it")
        }
        return context
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
