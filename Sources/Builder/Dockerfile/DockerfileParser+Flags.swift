/// Which `--flags` each instruction accepts, and their validation.
extension DockerfileParser {
    enum FlagKind {
        /// `--name=value`, once.
        case string
        /// `--name=value`, any number of times (`--mount`, `--exclude`).
        case repeatable
        /// `--name` or `--name=true|false`.
        case boolean
    }

    static func acceptedFlags(_ keyword: Keyword) -> [String: FlagKind] {
        switch keyword {
        case .from: ["platform": .string]
        case .run: ["mount": .repeatable, "network": .string, "security": .string]
        case .copy:
            [
                "from": .string, "chown": .string, "chmod": .string, "link": .boolean, "parents": .boolean,
                "exclude": .repeatable,
            ]
        case .add:
            [
                "chown": .string, "chmod": .string, "link": .boolean, "keep-git-dir": .boolean,
                "checksum": .string, "exclude": .repeatable, "unpack": .boolean,
            ]
        case .healthcheck:
            [
                "interval": .string, "timeout": .string, "start-period": .string, "start-interval": .string,
                "retries": .string,
            ]
        default: [:]
        }
    }

    mutating func parseFlags(_ words: [String], for keyword: Keyword, line: Int) -> [InstructionFlag] {
        let accepted = Self.acceptedFlags(keyword)
        var flags: [InstructionFlag] = []
        for word in words {
            let body = word.dropFirst(2)
            let name: String
            let value: String?
            if let equals = body.firstIndex(of: "=") {
                name = String(body[..<equals])
                value = String(body[body.index(after: equals)...])
            } else {
                name = String(body)
                value = nil
            }
            guard let kind = accepted[name] else {
                let hint =
                    accepted.isEmpty
                    ? "\(keyword.rawValue) takes no flags"
                    : Suggestion.closest(to: name, among: accepted.keys).map { "did you mean --\($0)?" }
                        ?? "\(keyword.rawValue) accepts \(accepted.keys.sorted().map { "--" + $0 }.joined(separator: ", "))"
                errors.append(
                    error(.invalidFlag, "unknown flag '--\(name)' on \(keyword.rawValue)", line: line, hint: hint))
                continue
            }
            switch kind {
            case .boolean:
                if let value, !["true", "false"].contains(value.lowercased()) {
                    errors.append(
                        error(.invalidFlag, "flag '--\(name)' expects true or false, not '\(value)'", line: line))
                    continue
                }
            case .string, .repeatable:
                guard let value, !value.isEmpty else {
                    errors.append(
                        error(.invalidFlag, "flag '--\(name)' needs a value", line: line, hint: "write --\(name)=VALUE")
                    )
                    continue
                }
                if kind == .string, flags.contains(where: { $0.name == name }) {
                    errors.append(error(.invalidFlag, "flag '--\(name)' given twice", line: line))
                    continue
                }
                if let problem = Self.flagValueProblem(name: name, value: value) {
                    errors.append(error(.invalidFlag, problem.message, line: line, hint: problem.hint))
                    continue
                }
            }
            flags.append(InstructionFlag(name: name, value: value))
        }
        return flags
    }

    /// Checks values that do not depend on substitution (those holding `$` are checked at build time).
    static func flagValueProblem(name: String, value: String) -> (message: String, hint: String?)? {
        if value.contains("$") { return nil }
        switch name {
        case "chmod":
            let octal = value.count >= 3 && value.count <= 4 && value.allSatisfy { ("0"..."7").contains($0) }
            return octal ? nil : ("invalid --chmod value '\(value)'", "use octal permissions such as 0755")
        case "network":
            return ["default", "none", "host"].contains(value)
                ? nil : ("invalid --network value '\(value)'", "use default, none or host")
        case "retries":
            guard let retries = Int(value), retries >= 0 else {
                return ("invalid --retries value '\(value)'", "use a whole number of retries")
            }
            return nil
        case "interval", "timeout", "start-period", "start-interval":
            guard let duration = GoDuration.parse(value) else {
                return ("invalid --\(name) value '\(value)'", "use a duration such as 30s, 1m30s or 500ms")
            }
            // Docker's floor: zero means "the default", anything else must be at least 1ms.
            if duration != .zero, duration < .milliseconds(1) {
                return ("--\(name) '\(value)' cannot be less than 1ms", "use 0 for the default, or at least 1ms")
            }
            return nil
        default:
            return nil
        }
    }
}
