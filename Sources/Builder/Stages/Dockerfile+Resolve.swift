/// ARG/ENV scoping and stage dependencies, following Docker:
/// - ARGs before the first FROM are usable in FROM lines only; `ARG name` inside a stage imports
///   the global value; `--build-arg` overrides any default.
/// - In a stage, ENV beats ARG of the same name whatever their order; ARGs reach RUN's
///   environment but are never saved in the image config.
/// - A stage inherits its base stage's ENV (not its ARGs) and runs its ONBUILD triggers first.
extension Dockerfile {
    /// PATH of a `FROM scratch` stage, as Docker sets it.
    public static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// Build arguments that reach RUN without being declared (Docker's predefined proxy ARGs).
    public static let predefinedArguments: Set<String> = [
        "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy",
        "ALL_PROXY", "all_proxy",
    ]

    /// The architecture this builder runs on, in OCI spelling.
    public static var hostArchitecture: String {
        #if arch(x86_64)
            "amd64"
        #elseif arch(arm64)
            "arm64"
        #elseif arch(arm)
            "arm"
        #elseif arch(s390x)
            "s390x"
        #elseif arch(powerpc64le)
            "ppc64le"
        #elseif arch(riscv64)
            "riscv64"
        #else
            "unknown"
        #endif
    }

    /// Docker's automatic platform ARGs (`TARGETARCH`, `BUILDPLATFORM`, …): usable in FROM lines
    /// without a declaration, and inside a stage after `ARG NAME`. This builder builds for the
    /// host, so build and target platforms are the same.
    public static var platformArguments: [String: String] {
        let platform = "linux/" + hostArchitecture
        var arguments: [String: String] = [:]
        for prefix in ["TARGET", "BUILD"] {
            arguments[prefix + "PLATFORM"] = platform
            arguments[prefix + "OS"] = "linux"
            arguments[prefix + "ARCH"] = hostArchitecture
            arguments[prefix + "VARIANT"] = ""
        }
        return arguments
    }

    /// Resolves the file for one build.
    /// - Parameters:
    ///   - buildArguments: `--build-arg NAME=VALUE` pairs.
    ///   - baseImage: what the image a stage starts from brings: its config's `Env` and `OnBuild`.
    ///   - imageExists: when given, a name that is neither a stage nor an existing image is an
    ///     error (the builder pulls nothing, so such a reference can only be a typo).
    /// - Throws: `BuilderError` listing every substitution and stage-reference problem.
    public func resolve(
        buildArguments: [String: String] = [:],
        baseImage: (String) -> BaseImage = { _ in BaseImage() },
        imageExists: ((String) -> Bool)? = nil
    ) throws -> BuildGraph {
        try withoutActuallyEscaping(baseImage) { baseImage in
            var resolver = StageResolver(
                dockerfile: self, buildArguments: buildArguments, baseImage: baseImage,
                imageExists: imageExists)
            let graph = resolver.resolve()
            let errors = resolver.errors.enumerated()
                .sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }.map(\.element)
            if let error = BuilderError.combining(errors) { throw error }
            return graph
        }
    }
}

/// What a base image brings to a stage that starts from it.
public struct BaseImage: Sendable, Equatable {
    /// The config's `Env`, in order.
    public var environment: [KeyValue]
    /// The config's `OnBuild` triggers (`"RUN echo hi"`), run first in the child stage.
    public var onbuildTriggers: [String]

    public init(environment: [KeyValue] = [], onbuildTriggers: [String] = []) {
        self.environment = environment
        self.onbuildTriggers = onbuildTriggers
    }
}

struct StageResolver {
    let dockerfile: Dockerfile
    let buildArguments: [String: String]
    let baseImage: (String) -> BaseImage
    let imageExists: ((String) -> Bool)?
    let expander: WordExpander
    /// Stage name → index, for every stage (later ones too, to explain forward references).
    let stageIndices: [String: Int]
    var errors: [BuilderError] = []
    var consumed = Set<String>()

    init(
        dockerfile: Dockerfile, buildArguments: [String: String], baseImage: @escaping (String) -> BaseImage,
        imageExists: ((String) -> Bool)?
    ) {
        self.dockerfile = dockerfile
        self.buildArguments = buildArguments
        self.baseImage = baseImage
        self.imageExists = imageExists
        self.expander = WordExpander(escape: dockerfile.directives.escape)
        var indices: [String: Int] = [:]
        for stage in dockerfile.stages {
            if let name = stage.name, indices[name] == nil { indices[name] = stage.index }
        }
        self.stageIndices = indices
    }

    mutating func resolve() -> BuildGraph {
        let global = resolveGlobalArguments()
        var stages: [ResolvedStage] = []
        for stage in dockerfile.stages {
            stages.append(resolve(stage, global: global, earlier: stages))
        }
        let unused = Set(buildArguments.keys).subtracting(consumed).subtracting(Dockerfile.predefinedArguments)
        return BuildGraph(
            file: dockerfile.file, stages: stages, globalArguments: global, unusedBuildArguments: unused.sorted())
    }

    func located(_ error: Error, at instruction: Instruction) -> BuilderError {
        var located =
            (error as? BuilderError) ?? BuilderError(.substitution, String(describing: error))
        located.file = dockerfile.file
        located.line = instruction.line
        return located
    }

    mutating func resolveGlobalArguments() -> [String: String] {
        var global = Dockerfile.platformArguments
        for instruction in dockerfile.globalArguments {
            guard case .declarations(let declarations) = instruction.arguments else { continue }
            for declaration in declarations {
                if let override = buildArguments[declaration.name] {
                    consumed.insert(declaration.name)
                    global[declaration.name] = override
                } else if let value = declaration.defaultValue {
                    do {
                        global[declaration.name] = try expander.expand(value, environment: global)
                    } catch {
                        errors.append(located(error, at: instruction))
                    }
                }
            }
        }
        return global
    }

    mutating func resolve(_ stage: Stage, global: [String: String], earlier: [ResolvedStage]) -> ResolvedStage {
        var stageDependencies = Set<Int>()
        var imageDependencies: [String] = []
        func needImage(_ reference: String) {
            if !imageDependencies.contains(reference) { imageDependencies.append(reference) }
        }

        // FROM sees the global ARGs only.
        var baseReference = stage.base
        var platform = stage.from.flag("platform")
        do {
            baseReference = try expander.expand(stage.base, environment: global)
            platform = try platform.map { try expander.expand($0, environment: global) }
        } catch {
            errors.append(located(error, at: stage.from))
        }
        let base: StageBase
        var environment: [KeyValue]
        var triggers: [Instruction] = []
        if baseReference.lowercased() == "scratch" {
            base = .scratch
            environment = [KeyValue("PATH", Dockerfile.defaultPath)]
        } else if let index = stageIndices[baseReference.lowercased()], index < stage.index {
            base = .stage(index)
            stageDependencies.insert(index)
            environment = earlier[index].environment
            triggers = earlier[index].onbuildTriggers
        } else {
            base = .image(baseReference)
            needImage(baseReference)
            checkImage(baseReference, usedBy: "FROM", stage: stage, at: stage.from)
            let image = baseImage(baseReference)
            environment = image.environment
            for text in image.onbuildTriggers {
                do {
                    var trigger = try DockerfileParser.parseTrigger(text, escape: dockerfile.directives.escape)
                    // Problems with it are reported at the FROM that brought it in.
                    trigger.lines = stage.from.lines
                    triggers.append(trigger)
                } catch let error as BuilderError {
                    errors.append(
                        BuilderError(
                            error.code, "ONBUILD trigger '\(text)' of image \(baseReference): \(error.message)",
                            file: dockerfile.file, line: stage.from.line, hint: error.hint))
                } catch {}
            }
        }
        var expandedFrom = stage.from
        expandedFrom.arguments = .from(image: baseReference, stageName: stage.name)
        if let platform { expandedFrom.flags = [InstructionFlag(name: "platform", value: platform)] }

        var scope = Scope(environment: environment)
        var steps: [ResolvedStep] = []
        var ownTriggers: [Instruction] = []
        let sequence = triggers.map { ($0, true) } + stage.instructions.map { ($0, false) }
        for (instruction, isTrigger) in sequence {
            var step = ResolvedStep(
                instruction: instruction, expanded: instruction,
                triggeredBy: isTrigger
                    ? earlierTriggerLine(instruction, in: earlier, base: base) ?? stage.from.line : nil)
            do {
                step.expanded = try expand(instruction, variables: scope.variables)
            } catch {
                errors.append(located(error, at: instruction))
            }
            switch step.expanded.arguments {
            case .environment(let pairs):
                for pair in pairs { scope.setEnvironment(pair.key, pair.value) }
            case .declarations(let declarations):
                for declaration in declarations {
                    declare(declaration, in: &scope, global: global, at: instruction)
                }
            case .onbuild(let trigger):
                ownTriggers.append(trigger)
            case .command where instruction.keyword == .run:
                step.runEnvironment = runEnvironment(scope)
            case .copy:
                if let from = step.expanded.flag("from"), instruction.keyword == .copy {
                    if let source = copySource(from, stage: stage, at: instruction) {
                        step.copySource = source
                        switch source {
                        case .stage(let index): stageDependencies.insert(index)
                        case .image(let reference): needImage(reference)
                        }
                    }
                }
            default:
                break
            }
            steps.append(step)
        }
        return ResolvedStage(
            index: stage.index, name: stage.name, line: stage.from.line, base: base, platform: platform,
            steps: [ResolvedStep(instruction: stage.from, expanded: expandedFrom)] + steps,
            stageDependencies: stageDependencies.sorted(), imageDependencies: imageDependencies,
            environment: scope.environment, onbuildTriggers: ownTriggers)
    }

    func earlierTriggerLine(_ trigger: Instruction, in earlier: [ResolvedStage], base: StageBase) -> Int? {
        guard case .stage(let index) = base else { return nil }
        return earlier[index].steps.first(where: {
            if case .onbuild(let recorded) = $0.instruction.arguments { return recorded == trigger }
            return false
        })?.instruction.line
    }

    /// Precedence: `--build-arg`, then the stage's default, then the global value (`ARG name`
    /// re-declared in a stage imports it).
    mutating func declare(
        _ declaration: ArgumentDeclaration, in scope: inout Scope, global: [String: String], at instruction: Instruction
    ) {
        let name = declaration.name
        if let override = buildArguments[name] {
            consumed.insert(name)
            scope.setArgument(name, override)
        } else if let value = declaration.defaultValue {
            scope.setArgument(name, value)
        } else if let value = global[name] {
            scope.setArgument(name, value)
        } else {
            scope.declareWithoutValue(name)
        }
    }

    func runEnvironment(_ scope: Scope) -> [EnvironmentEntry] {
        var entries = scope.environment.map { EnvironmentEntry($0.key, $0.value, isBuildArgument: false) }
        for (name, value) in scope.arguments where !scope.hasEnvironment(name) {
            entries.append(EnvironmentEntry(name, value, isBuildArgument: true))
        }
        for name in Dockerfile.predefinedArguments.sorted()
        where !scope.hasArgument(name) && !scope.hasEnvironment(name) {
            if let value = buildArguments[name] { entries.append(EnvironmentEntry(name, value, isBuildArgument: true)) }
        }
        return entries
    }

    mutating func copySource(_ reference: String, stage: Stage, at instruction: Instruction) -> CopySource? {
        if let index = Int(reference) {
            guard index >= 0, index < stage.index else {
                errors.append(
                    BuilderError(
                        .missingStage, "COPY --from=\(reference) does not name an earlier stage", file: dockerfile.file,
                        line: instruction.line,
                        hint: stage.index == 0
                            ? "this is the first stage; name an image instead"
                            : "earlier stages are 0…\(stage.index - 1)"))
                return nil
            }
            return .stage(index)
        }
        if let index = stageIndices[reference.lowercased()], index < stage.index { return .stage(index) }
        guard checkImage(reference, usedBy: "COPY --from", stage: stage, at: instruction) else { return nil }
        return .image(reference)
    }

    /// False (and an error recorded) when `imageExists` says the reference names nothing.
    @discardableResult
    mutating func checkImage(_ reference: String, usedBy user: String, stage: Stage, at instruction: Instruction)
        -> Bool
    {
        guard let imageExists, !imageExists(reference) else { return true }
        let hint: String
        if let index = stageIndices[reference.lowercased()] {
            hint =
                index == stage.index
                ? "a stage cannot use itself; name an earlier stage or an image"
                : "stage '\(reference.lowercased())' is defined later, on line \(dockerfile.stages[index].from.line); move it above"
        } else if let near = Suggestion.closest(to: reference, among: stageIndices.keys.sorted()) {
            hint = "did you mean stage '\(near)'?"
        } else {
            hint = "define a stage with 'FROM … AS \(reference)' above, or load the image first"
        }
        errors.append(
            BuilderError(
                .missingStage, "\(user) \(reference): no stage or image named '\(reference)'", file: dockerfile.file,
                line: instruction.line, hint: hint))
        return false
    }

    /// Substitutes the instructions Docker substitutes; others are returned unchanged.
    func expand(_ instruction: Instruction, variables: [String: String]) throws -> Instruction {
        var result = instruction
        func word(_ text: String) throws -> String { try expander.expand(text, environment: variables) }
        switch instruction.arguments {
        case .copy(let sources, let destination, let isJSON):
            result.arguments = .copy(sources: try sources.map(word), destination: try word(destination), isJSON: isJSON)
            result.flags = try instruction.flags.map { flag in
                guard ["from", "chown", "chmod", "checksum"].contains(flag.name), let value = flag.value else {
                    return flag
                }
                return InstructionFlag(name: flag.name, value: try word(value))
            }
            for (position, heredoc) in instruction.heredocs.enumerated() where heredoc.expands {
                result.heredocs[position].content = try expander.expandHeredoc(heredoc.content, environment: variables)
            }
            if let chmod = result.flag("chmod"), instruction.flag("chmod") != chmod,
                let problem = DockerfileParser.flagValueProblem(name: "chmod", value: chmod)
            {
                throw BuilderError(.invalidFlag, problem.message, hint: problem.hint)
            }
        case .command where instruction.keyword == .run:
            // The command is the shell's to expand; `--mount` options are the builder's.
            result.flags = try instruction.flags.map { flag in
                guard flag.name == "mount", let value = flag.value else { return flag }
                return InstructionFlag(name: flag.name, value: try word(value))
            }
        case .environment(let pairs):
            // Every pair sees the environment from before the instruction (Docker's rule).
            result.arguments = .environment(try pairs.map { KeyValue(try word($0.key), try word($0.value)) })
        case .labels(let pairs) where instruction.keyword == .label:
            result.arguments = .labels(try pairs.map { KeyValue(try word($0.key), try word($0.value)) })
        case .declarations(let declarations):
            var local = variables
            result.arguments = .declarations(
                try declarations.map { declaration in
                    let value = try declaration.defaultValue.map { try expander.expand($0, environment: local) }
                    if let value { local[declaration.name] = value }
                    return ArgumentDeclaration(declaration.name, value)
                })
        case .ports(let words):
            let expanded = try words.flatMap { try expander.expandWords($0, environment: variables) }
            for port in expanded where ExposedPort(port) == nil {
                throw BuilderError(
                    .invalidArguments, "invalid port '\(port)'", hint: "write PORT, PORT/tcp or PORT/udp")
            }
            result.arguments = .ports(expanded)
        case .value(let text):
            let value = try word(text)
            if instruction.keyword == .stopsignal, !DockerfileParser.isSignal(value) {
                throw BuilderError(.invalidArguments, "invalid signal '\(value)'", hint: "use a name such as SIGTERM")
            }
            result.arguments = .value(value)
        case .volumes(let paths, let isJSON):
            result.arguments = .volumes(try paths.map(word), isJSON: isJSON)
        default:
            break
        }
        return result
    }
}

/// The variables visible at one point of a stage. Updates are O(1) so that files with
/// thousands of ENV or ARG lines resolve in linear time.
struct Scope {
    /// ENV, in definition order (inherited first): saved in the image config.
    private(set) var environment: [KeyValue] = []
    private var environmentPositions: [String: Int] = [:]
    /// ARGs with a value, in declaration order: reach RUN, never saved.
    private(set) var arguments: [(name: String, value: String)] = []
    private var argumentPositions: [String: Int] = [:]
    /// What substitution sees: ARGs, overridden by ENV of the same name.
    private(set) var variables: [String: String] = [:]

    init(environment: [KeyValue]) {
        for pair in environment { setEnvironment(pair.key, pair.value) }
    }

    func hasEnvironment(_ name: String) -> Bool { environmentPositions[name] != nil }

    func hasArgument(_ name: String) -> Bool { argumentPositions[name] != nil }

    mutating func setEnvironment(_ name: String, _ value: String) {
        if let position = environmentPositions[name] {
            environment[position].value = value
        } else {
            environmentPositions[name] = environment.count
            environment.append(KeyValue(name, value))
        }
        variables[name] = value
    }

    mutating func setArgument(_ name: String, _ value: String) {
        if let position = argumentPositions[name] {
            arguments[position].value = value
        } else {
            argumentPositions[name] = arguments.count
            arguments.append((name, value))
        }
        if !hasEnvironment(name) { variables[name] = value }
    }

    /// `ARG name` with no value anywhere: declared, but nothing to substitute or pass to RUN.
    mutating func declareWithoutValue(_ name: String) {
        guard let position = argumentPositions.removeValue(forKey: name) else { return }
        arguments.remove(at: position)
        for index in position..<arguments.count { argumentPositions[arguments[index].name] = index }
        if !hasEnvironment(name) { variables.removeValue(forKey: name) }
    }
}
