/// The common forms of a hot command's arguments, scanned by hand: ArgumentParser reflects over
/// a command's properties on every parse, and each first protocol-conformance check scans the
/// whole binary (1–3 ms of a command that otherwise takes a few). Anything unusual makes the
/// scan fail, and the caller then leaves the arguments to ArgumentParser, with its messages:
/// an unknown or repeated flag, combined or attached short flags (`-it`, `-eX`), `--`, a flag's
/// value that looks like a flag, a value given to a boolean (`--rm=true`), a missing value.
///
/// A command's fast parse must assign every property (an unset property wrapper traps when
/// read) and agree with ArgumentParser (`FastParseTests`).
struct CommonFlagScan {
    /// Canonical (long) names of the boolean flags given.
    private(set) var flags: Set<String> = []
    /// Values of the value options given, by canonical name, in order.
    private(set) var values: [String: [String]] = [:]
    /// Positional arguments, in order; with `passthroughAfterFirst`, the first positional and
    /// everything after it, as given.
    private(set) var positionals: [String] = []

    /// The flags and options a command accepts. Names are long (`--detach`); `aliases` maps
    /// short or alternative names to them (`-d` → `--detach`).
    struct Grammar {
        var booleans: Set<String>
        var options: Set<String>
        /// Options that may be given several times (the others only once).
        var repeatable: Set<String> = []
        var aliases: [String: String] = [:]
        /// The first positional ends the options (`exec NAME CMD…`, `run IMAGE CMD…`).
        var passthroughAfterFirst = false

        /// This grammar and the options of `GlobalOptions` and `StackOptions`.
        func withStackOptions() -> Grammar {
            var grammar = self
            grammar.options.formUnion(CommonFlagScan.globalOptions.union(CommonFlagScan.stackOptions))
            grammar.repeatable.formUnion(CommonFlagScan.stackRepeatable)
            grammar.aliases.merge(CommonFlagScan.stackAliases) { own, _ in own }
            return grammar
        }
    }

    init?(_ arguments: [String], _ grammar: Grammar) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            guard argument.hasPrefix("-"), argument != "-" else {
                positionals.append(argument)
                index += 1
                if grammar.passthroughAfterFirst {
                    let rest = arguments[index...]
                    guard !rest.contains("--") else { return nil }
                    positionals += rest
                    return
                }
                continue
            }
            var name = argument
            var inline: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                inline = String(argument[argument.index(after: equals)...])
                name = String(argument[..<equals])
            }
            let canonical = grammar.aliases[name] ?? name
            if grammar.booleans.contains(canonical) {
                guard inline == nil, flags.insert(canonical).inserted else { return nil }
            } else if grammar.options.contains(canonical) {
                let value: String
                if let inline {
                    value = inline
                } else {
                    index += 1
                    guard index < arguments.count else { return nil }
                    value = arguments[index]
                }
                guard !value.hasPrefix("-") else { return nil }
                guard values[canonical] == nil || grammar.repeatable.contains(canonical) else { return nil }
                values[canonical, default: []].append(value)
            } else {
                return nil
            }
            index += 1
        }
    }

    /// The single value of `option`, if given.
    func value(_ option: String) -> String? { values[option]?.first }

    /// Every value of a repeatable `option`.
    func all(_ option: String) -> [String] { values[option] ?? [] }

    /// The options of `GlobalOptions` and `StackOptions`.
    static let globalOptions: Set = ["--root"]
    static let stackOptions: Set = ["--file", "--project-name", "--env-file", "--project-directory"]
    static let stackRepeatable: Set = ["--file", "--env-file"]
    static let stackAliases = ["-f": "--file", "-p": "--project-name"]

    /// `GlobalOptions` from the scan (every property assigned).
    var global: GlobalOptions {
        var global = GlobalOptions()
        global.root = value("--root")
        return global
    }

    /// `StackOptions` from the scan (every property assigned).
    var stack: StackOptions {
        var stack = StackOptions()
        stack.files = all("--file")
        stack.projectName = value("--project-name")
        stack.envFiles = all("--env-file")
        stack.projectDirectory = value("--project-directory")
        return stack
    }
}
