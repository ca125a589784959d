import ArgumentParser

/// Options every command accepts: where swiftstack keeps its state.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long, help: "State root (images, containers, volumes). Default: $SWIFTSTACK_ROOT or /var/lib/swiftstack."
    )
    var root: String?

    /// The state root to use: `--root`, else `$SWIFTSTACK_ROOT`, else `/var/lib/swiftstack`.
    var stateRoot: String {
        if let root { return root }
        if let env = Environment.value("SWIFTSTACK_ROOT"), !env.isEmpty { return env }
        return "/var/lib/swiftstack"
    }

    /// The runtime directory for sockets, pid files and locks: `$SWIFTSTACK_RUN`, else `/run/swiftstack`.
    var runDirectory: String {
        if let env = Environment.value("SWIFTSTACK_RUN"), !env.isEmpty { return env }
        return "/run/swiftstack"
    }
}
