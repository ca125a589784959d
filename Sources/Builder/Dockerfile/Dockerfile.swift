/// A parsed Dockerfile: its parser directives, every instruction, and the stages they form.
public struct Dockerfile: Sendable, Equatable {
    /// The file's name as the user gave it (used in error messages).
    public var file: String
    public var directives: ParserDirectives
    /// All instructions in order, global ARGs first.
    public var instructions: [Instruction]
    /// `FROM` starts a stage; each stage owns the instructions up to the next `FROM`.
    public var stages: [Stage]

    /// ARGs before the first FROM: usable in FROM lines, and imported into a stage by `ARG name`.
    public var globalArguments: [Instruction] {
        Array(instructions.prefix(while: { $0.keyword != .from }))
    }

    public init(file: String, directives: ParserDirectives, instructions: [Instruction], stages: [Stage]) {
        self.file = file
        self.directives = directives
        self.instructions = instructions
        self.stages = stages
    }
}

/// One build stage: a `FROM` and the instructions after it.
public struct Stage: Sendable, Equatable {
    /// 0-based position; `COPY --from=0` names the first stage.
    public var index: Int
    /// `AS name`, lowercased; nil for an unnamed stage.
    public var name: String?
    /// The base as written (`golang:1.22`, `$BASE`, `scratch`, or an earlier stage's name).
    public var base: String
    /// The `FROM` instruction itself.
    public var from: Instruction
    /// The instructions after `FROM`, up to the next stage.
    public var instructions: [Instruction]

    public init(index: Int, name: String?, base: String, from: Instruction, instructions: [Instruction]) {
        self.index = index
        self.name = name
        self.base = base
        self.from = from
        self.instructions = instructions
    }

    /// The name a user can refer to it by: its `AS` name, else its index.
    public var displayName: String { name ?? String(index) }
}

/// Parser directives from the top of the file (`# escape=`, `# syntax=`, `# check=`).
public struct ParserDirectives: Sendable, Equatable {
    /// The escape character: `\` (default) or `` ` ``.
    public var escape: Character
    /// `# syntax=` is recorded but not acted on: this builder is its own frontend.
    public var syntax: String?
    /// `# check=` (lint configuration), recorded.
    public var check: String?

    public init(escape: Character = "\\", syntax: String? = nil, check: String? = nil) {
        self.escape = escape
        self.syntax = syntax
        self.check = check
    }
}
