extension Plan {
    /// The plan as a user reads it: one line per action, grouped by wave, each with its reasons.
    ///
    ///     ~ recreate crawler-crawler-1: environment.DB_HOST changed ("127.0.0.1" → "mysql")
    public var text: String {
        var lines: [String] = []
        for warning in warnings { lines.append("! \(warning)") }
        if actions.isEmpty {
            let count = unchanged.count
            lines.append("project \(project): nothing to do (\(count) container\(count == 1 ? "" : "s") up to date)")
            return lines.joined(separator: "\n") + "\n"
        }
        let waves = self.waves
        lines.append(
            "project \(project): \(actions.count) action\(actions.count == 1 ? "" : "s") in \(waves.count) wave\(waves.count == 1 ? "" : "s")"
        )
        for (number, wave) in waves.enumerated() {
            lines.append("wave \(number + 1):")
            for action in wave { lines.append("  " + action.line) }
        }
        if !unchanged.isEmpty { lines.append("unchanged: \(unchanged.sorted().joined(separator: ", "))") }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension Action {
    /// `~ recreate NAME: reason; reason`.
    public var line: String {
        let (symbol, verb): (String, String) =
            switch kind {
            case .createNetwork: ("+", "create network")
            case .removeNetwork: ("-", "remove network")
            case .createVolume: ("+", "create volume")
            case .removeVolume: ("-", "remove volume")
            case .buildImage: ("+", "build image")
            case .createContainer: ("+", "create")
            case .startContainer: (">", "start")
            case .stopContainer: ("-", "stop")
            case .removeContainer: ("-", "remove")
            case .recreateContainer: ("~", "recreate")
            case .updateContainer: ("~", "update")
            case .restartContainer: ("*", "restart")
            case .rollOut: ("~", "roll out")
            }
        let why = reasons.isEmpty ? "" : ": " + reasons.joined(separator: "; ")
        let how = rollout.map { " (\($0.summary))" } ?? ""
        return "\(symbol) \(verb) \(target)\(how)\(why)"
    }
}
