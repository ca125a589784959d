import Glibc
import Images
import Runtime
import Synchronization

/// What every stage of one build shares: the resolved graph, the context, the store, the
/// cache, the runtime, and the progress sink. Thread-safe: stages build in parallel.
final class BuildContext: Sendable {
    let graph: BuildGraph
    let options: BuildOptions
    /// The context directory, absolute and with links resolved.
    let contextRoot: String
    let ignore: DockerIgnore
    let ignoreFile: String?
    let store: ImageStore
    let cache: BuildCache
    let runtime: ContainerRuntime
    /// Where steps stage their files: `<stateRoot>/builder/tmp/<pid>`.
    let scratchDirectory: String
    let progress: @Sendable (BuildEvent) -> Void
    private let counter = Mutex(0)
    private let collectedWarnings = Mutex<[String]>([])
    /// Every image of the store by id, read once when the first cache entry is looked up: an
    /// id lookup in the store reads every manifest, a cached rebuild does one per step.
    private let imagesByID = Mutex<[String: Image]?>(nil)

    init(
        graph: BuildGraph, options: BuildOptions, contextRoot: String, ignore: DockerIgnore, ignoreFile: String?,
        store: ImageStore, stateRoot: String, progress: @escaping @Sendable (BuildEvent) -> Void
    ) {
        self.graph = graph
        self.options = options
        self.contextRoot = contextRoot
        self.ignore = ignore
        self.ignoreFile = ignoreFile
        self.store = store
        self.cache = BuildCache(stateRoot: stateRoot)
        self.runtime = ContainerRuntime(root: stateRoot)
        self.scratchDirectory = stateRoot + "/builder/tmp/\(getpid())"
        self.progress = progress
    }

    func nextStepNumber() -> Int {
        counter.withLock {
            $0 += 1
            return $0
        }
    }

    func warn(_ text: String) {
        collectedWarnings.withLock { $0.append(text) }
        progress(BuildEvent(kind: .warning(text), number: 0, stage: "", position: 0, count: 0, text: text))
    }

    var warnings: [String] { collectedWarnings.withLock { $0 } }

    /// An image by reference, as a BuilderError when missing.
    func image(_ reference: String) throws -> Image {
        try engine { try store.image(reference) }
    }

    /// The image a cache entry names, nil when it is gone from the store.
    func cachedImage(id: String) -> Image? {
        let known = imagesByID.withLock { images in
            if images == nil {
                images = Dictionary(
                    ((try? store.list()) ?? []).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            }
            return images?[id]
        }
        return known ?? (try? store.image(id))
    }

    /// Runs store or runtime work, turning their errors into the builder's.
    func engine<T>(_ work: () throws -> T) throws -> T {
        do {
            return try work()
        } catch let error as BuilderError {
            throw error
        } catch let error as ImageError {
            let code: BuilderError.Code = error.code == .unsafeArchive ? .unsafePath : .engine
            throw BuilderError(code, error.message)
        } catch let error as RuntimeError where error.code == .userNotFound {
            throw BuilderError(
                .unknownUser, error.message, hint: "create the user in an earlier RUN, or give a numeric uid to USER")
        } catch let error as RuntimeError {
            throw BuilderError(.engine, "\(error)")
        } catch {
            throw BuilderError(.engine, "\(error)")
        }
    }
}
