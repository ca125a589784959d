/// One instruction of a Dockerfile as written: keyword, flags, arguments and where it came from.
///
/// Arguments are kept as written (quotes and `$variables` intact) wherever Docker substitutes
/// later; `BuildGraph` holds the expanded form for each stage.
public struct Instruction: Sendable, Equatable {
    /// The instruction's keyword (written in any case in the file).
    public var keyword: Keyword
    /// First and last physical line, 1-based; heredoc bodies are included.
    public var lines: ClosedRange<Int>
    /// The logical line as Docker sees it: continuations joined, comments inside them dropped.
    public var original: String
    /// `--name[=value]` flags in the order written (`--mount` may repeat).
    public var flags: [InstructionFlag]
    public var arguments: InstructionArguments
    /// Heredocs opened on this line (`RUN <<EOF`, `COPY <<A <<B /dst/`), in order.
    public var heredocs: [Heredoc]

    public init(
        keyword: Keyword, lines: ClosedRange<Int>, original: String, flags: [InstructionFlag] = [],
        arguments: InstructionArguments, heredocs: [Heredoc] = []
    ) {
        self.keyword = keyword
        self.lines = lines
        self.original = original
        self.flags = flags
        self.arguments = arguments
        self.heredocs = heredocs
    }

    /// The line the instruction starts on.
    public var line: Int { lines.lowerBound }

    /// The value of the last `--name` flag (nil if absent; "" for a bare boolean flag).
    public func flag(_ name: String) -> String? {
        flags.last(where: { $0.name == name }).map { $0.value ?? "" }
    }

    /// Every value of a repeatable flag such as `--mount` or `--exclude`.
    public func flagValues(_ name: String) -> [String] {
        flags.filter { $0.name == name }.map { $0.value ?? "" }
    }
}

/// Dockerfile instruction keywords.
public enum Keyword: String, Sendable, Equatable, CaseIterable {
    case add = "ADD"
    case arg = "ARG"
    case cmd = "CMD"
    case copy = "COPY"
    case entrypoint = "ENTRYPOINT"
    case env = "ENV"
    case expose = "EXPOSE"
    case from = "FROM"
    case healthcheck = "HEALTHCHECK"
    case label = "LABEL"
    case maintainer = "MAINTAINER"
    case onbuild = "ONBUILD"
    case run = "RUN"
    case shell = "SHELL"
    case stopsignal = "STOPSIGNAL"
    case user = "USER"
    case volume = "VOLUME"
    case workdir = "WORKDIR"

    /// Keywords are case-insensitive.
    public init?(caseInsensitive word: some StringProtocol) {
        self.init(rawValue: word.uppercased())
    }

    /// Instructions whose arguments Docker runs through word expansion before use.
    public var substitutesVariables: Bool {
        switch self {
        case .add, .copy, .env, .expose, .from, .label, .stopsignal, .user, .volume, .workdir, .arg: true
        case .cmd, .entrypoint, .run, .shell, .healthcheck, .maintainer, .onbuild: false
        }
    }

    /// Instructions that may open heredocs.
    var acceptsHeredocs: Bool { self == .run || self == .copy || self == .add }
}

/// A `--name` or `--name=value` flag before an instruction's arguments.
public struct InstructionFlag: Sendable, Equatable {
    public var name: String
    /// nil for a bare boolean flag (`--link`).
    public var value: String?

    public init(name: String, value: String?) {
        self.name = name
        self.value = value
    }
}

/// The arguments of an instruction, shaped per keyword.
public indirect enum InstructionArguments: Sendable, Equatable {
    /// `FROM image [AS name]`; the stage name is lowercased as Docker does.
    case from(image: String, stageName: String?)
    /// RUN, CMD, ENTRYPOINT and SHELL (SHELL is always `.exec`).
    case command(CommandForm)
    /// COPY and ADD: sources (a heredoc appears as `<<NAME`) and the destination.
    case copy(sources: [String], destination: String, isJSON: Bool)
    /// ENV `k=v …` (or legacy `ENV k v…`), values as written.
    case environment([KeyValue])
    /// LABEL `k=v …`; MAINTAINER becomes the label `maintainer`.
    case labels([KeyValue])
    /// ARG `name[=default] …`.
    case declarations([ArgumentDeclaration])
    /// EXPOSE words as written (`80`, `53/udp`, `$PORT`).
    case ports([String])
    /// USER, WORKDIR, STOPSIGNAL: one word as written.
    case value(String)
    /// VOLUME paths.
    case volumes([String], isJSON: Bool)
    case healthcheck(HealthcheckSpec)
    /// ONBUILD's trigger, recorded unexpanded.
    case onbuild(Instruction)
}

/// Exec form (`["a","b"]`, no shell) or shell form (a string for `SHELL`, default `/bin/sh -c`).
public enum CommandForm: Sendable, Equatable {
    case exec([String])
    case shell(String)
}

/// A `key=value` pair of ENV or LABEL, as written.
public struct KeyValue: Sendable, Equatable {
    public var key: String
    public var value: String

    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}

/// `ARG name` or `ARG name=default` (default as written, expanded at build time).
public struct ArgumentDeclaration: Sendable, Equatable {
    public var name: String
    public var defaultValue: String?

    public init(_ name: String, _ defaultValue: String? = nil) {
        self.name = name
        self.defaultValue = defaultValue
    }
}

/// `HEALTHCHECK NONE` or `HEALTHCHECK [options] CMD …`.
public enum HealthcheckSpec: Sendable, Equatable {
    case none
    case check(CommandForm, HealthcheckOptions)
}

/// HEALTHCHECK's flags; nil means "inherit / default".
public struct HealthcheckOptions: Sendable, Equatable {
    public var interval: Duration?
    public var timeout: Duration?
    public var startPeriod: Duration?
    public var startInterval: Duration?
    public var retries: Int?

    public init(
        interval: Duration? = nil, timeout: Duration? = nil, startPeriod: Duration? = nil,
        startInterval: Duration? = nil, retries: Int? = nil
    ) {
        self.interval = interval
        self.timeout = timeout
        self.startPeriod = startPeriod
        self.startInterval = startInterval
        self.retries = retries
    }
}

/// A here-document attached to RUN, COPY or ADD.
public struct Heredoc: Sendable, Equatable {
    /// The delimiter word, quotes removed.
    public var name: String
    /// The body: every line up to the delimiter, each ending in `\n` (tabs stripped for `<<-`).
    public var content: String
    /// False when the delimiter was quoted (`<<"EOF"`, `<<'EOF'`): no variable expansion.
    public var expands: Bool
    /// `<<-`: leading tabs were stripped from the body and the terminator.
    public var stripsTabs: Bool
    /// `3<<EOF`: the file descriptor the body is fed to, when given.
    public var fileDescriptor: Int?

    public init(name: String, content: String, expands: Bool, stripsTabs: Bool, fileDescriptor: Int? = nil) {
        self.name = name
        self.content = content
        self.expands = expands
        self.stripsTabs = stripsTabs
        self.fileDescriptor = fileDescriptor
    }
}
