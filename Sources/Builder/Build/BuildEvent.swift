/// Progress of a build, for the CLI's display. Steps are numbered across the whole build
/// (`#3`), and inside their stage (`[builder 2/5]`).
public struct BuildEvent: Sendable {
    public enum Kind: Sendable {
        /// The step begins; `text` is the instruction as written (one line).
        case started
        /// The step's result came from the cache.
        case cached
        /// The step ran and finished after this long.
        case finished(Duration)
        /// One line of a RUN's output (stdout and stderr interleaved).
        case output(String)
        /// Something the user should know that does not stop the build.
        case warning(String)
    }

    public var kind: Kind
    /// `#N` across the build.
    public var number: Int
    /// The stage: its `AS` name, else `stage-N` as Docker shows unnamed stages.
    public var stage: String
    /// 1-based position in the stage, FROM being 1, and the stage's step count.
    public var position: Int
    public var count: Int
    public var text: String

    public init(kind: Kind, number: Int, stage: String, position: Int, count: Int, text: String) {
        self.kind = kind
        self.number = number
        self.stage = stage
        self.position = position
        self.count = count
        self.text = text
    }
}
