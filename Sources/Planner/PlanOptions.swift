/// Flags of `up` that change the plan (Compose's names).
public struct PlanOptions: Sendable, Equatable {
    /// `--force-recreate`: replace every container even when its config is unchanged.
    public var forceRecreate: Bool
    /// `--no-recreate`: never replace an existing container, whatever changed.
    public var noRecreate: Bool
    /// `--build`: build every image that has a `build:` section.
    public var build: Bool
    /// `--no-build`: never build; a missing image is an error.
    public var noBuild: Bool
    /// `--remove-orphans`: remove containers of services no longer in the file.
    public var removeOrphans: Bool
    /// Services whose last rolling update failed (paused or rolled back): their existing
    /// containers are left as they are, so nothing retries the failed update until the stack
    /// file changes (the reconciler's memory of Swarm's paused/rolled-back service state).
    public var heldBack: Set<String>
    /// Which exited containers to start. nil (`up`): every one but a finished job. A set (the
    /// reconciler): only these, which exited behind our back; the others are left to their
    /// restart policies or were stopped on purpose.
    public var exitedToStart: Set<String>?

    public init(
        forceRecreate: Bool = false, noRecreate: Bool = false, build: Bool = false,
        noBuild: Bool = false, removeOrphans: Bool = false, heldBack: Set<String> = [],
        exitedToStart: Set<String>? = nil
    ) {
        self.forceRecreate = forceRecreate
        self.noRecreate = noRecreate
        self.build = build
        self.noBuild = noBuild
        self.removeOrphans = removeOrphans
        self.heldBack = heldBack
        self.exitedToStart = exitedToStart
    }
}
