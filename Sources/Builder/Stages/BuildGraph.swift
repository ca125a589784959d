/// A Dockerfile resolved for one build: build arguments applied, every substituting
/// instruction expanded with its stage's ARG/ENV scope, and the dependencies between stages.
///
/// Made by `Dockerfile.resolve(buildArguments:baseImage:imageExists:)`.
public struct BuildGraph: Sendable, Equatable {
    public var file: String
    public var stages: [ResolvedStage]
    /// ARGs declared before the first FROM, with their values after `--build-arg` overrides,
    /// and the automatic platform ARGs (`Dockerfile.platformArguments`).
    public var globalArguments: [String: String]
    /// `--build-arg` names no ARG declared (Docker warns about these), sorted.
    public var unusedBuildArguments: [String]

    public init(
        file: String, stages: [ResolvedStage], globalArguments: [String: String], unusedBuildArguments: [String]
    ) {
        self.file = file
        self.stages = stages
        self.globalArguments = globalArguments
        self.unusedBuildArguments = unusedBuildArguments
    }

    /// The environment of the RUN written on `line` (its first line): ENV entries and the build
    /// arguments in scope, which are marked. Nil when no RUN starts there.
    public func runEnvironment(atLine line: Int) -> [EnvironmentEntry]? {
        for stage in stages {
            for step in stage.steps where step.instruction.line == line && step.triggeredBy == nil {
                if let environment = step.runEnvironment { return environment }
            }
        }
        return nil
    }

    /// The stage called `name` (case-insensitive) or with that index.
    public func stage(_ reference: String) -> ResolvedStage? {
        let lowered = reference.lowercased()
        if let named = stages.first(where: { $0.name == lowered }) { return named }
        if let index = Int(reference), stages.indices.contains(index) { return stages[index] }
        return nil
    }
}

/// Where a stage starts from.
public enum StageBase: Sendable, Equatable {
    /// `FROM scratch`: an empty filesystem.
    case scratch
    /// `FROM <earlier stage>`: that stage's result (by index).
    case stage(Int)
    /// `FROM <image reference>`, expanded.
    case image(String)
}

/// Where `COPY --from=` takes its files from.
public enum CopySource: Sendable, Equatable {
    case stage(Int)
    case image(String)
}

/// One stage with everything the executor needs and nothing it has to re-derive.
public struct ResolvedStage: Sendable, Equatable {
    public var index: Int
    public var name: String?
    /// The line of its FROM.
    public var line: Int
    public var base: StageBase
    /// `--platform` after substitution (recorded; this builder builds for the host only).
    public var platform: String?
    public var steps: [ResolvedStep]
    /// Earlier stages this one needs (its base and `COPY --from` sources), sorted.
    public var stageDependencies: [Int]
    /// Images this one needs (its base and `COPY --from` images), in first-use order.
    public var imageDependencies: [String]
    /// The ENV the stage's image ends with (inherited, then its own): what the config saves.
    public var environment: [KeyValue]
    /// Its own ONBUILD triggers (unexpanded), which a later `FROM <this stage>` runs first.
    public var onbuildTriggers: [Instruction]

    public init(
        index: Int, name: String?, line: Int, base: StageBase, platform: String?, steps: [ResolvedStep],
        stageDependencies: [Int], imageDependencies: [String], environment: [KeyValue], onbuildTriggers: [Instruction]
    ) {
        self.index = index
        self.name = name
        self.line = line
        self.base = base
        self.platform = platform
        self.steps = steps
        self.stageDependencies = stageDependencies
        self.imageDependencies = imageDependencies
        self.environment = environment
        self.onbuildTriggers = onbuildTriggers
    }

    /// Its `AS` name, else its index.
    public var displayName: String { name ?? String(index) }
}

/// One instruction of a stage, as written and as the executor must apply it.
public struct ResolvedStep: Sendable, Equatable {
    /// As written in the Dockerfile.
    public var instruction: Instruction
    /// With substitution applied where Docker applies it (quotes removed, `$v` expanded);
    /// identical to `instruction` for CMD, ENTRYPOINT, SHELL, HEALTHCHECK, ONBUILD, and for
    /// RUN except its `--mount` options.
    public var expanded: Instruction
    /// For an ONBUILD trigger inherited from a base stage: the line of that ONBUILD; for one
    /// from a base image's config: the line of the FROM.
    public var triggeredBy: Int?
    /// For RUN: the environment its process gets — ENV entries and the build arguments in
    /// scope (marked, because they reach RUN but are not saved in the image config).
    public var runEnvironment: [EnvironmentEntry]?
    /// For `COPY --from`: where the files come from.
    public var copySource: CopySource?

    public init(
        instruction: Instruction, expanded: Instruction, triggeredBy: Int? = nil,
        runEnvironment: [EnvironmentEntry]? = nil, copySource: CopySource? = nil
    ) {
        self.instruction = instruction
        self.expanded = expanded
        self.triggeredBy = triggeredBy
        self.runEnvironment = runEnvironment
        self.copySource = copySource
    }
}

/// A variable in a RUN's environment.
public struct EnvironmentEntry: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var value: String
    /// True for a build argument (ARG): visible to RUN, never written to the image config.
    public var isBuildArgument: Bool

    public init(_ name: String, _ value: String, isBuildArgument: Bool) {
        self.name = name
        self.value = value
        self.isBuildArgument = isBuildArgument
    }

    public var description: String { "\(isBuildArgument ? "arg" : "env") \(name)=\(value)" }
}
