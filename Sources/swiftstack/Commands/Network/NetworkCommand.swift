import ArgumentParser
import Orchestrator

/// `swiftstack network …`: bridge networks, with Docker's command names and output. Networks
/// made here and a stack's own share one store (`NetworkStore`); a stack names one of these as
/// `external: true`.
struct NetworkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network",
        abstract: "Manage bridge networks.",
        subcommands: [
            NetworkCreateCommand.self, NetworkListCommand.self, NetworkInspectCommand.self,
            NetworkRemoveCommand.self, NetworkPruneCommand.self, NetworkNameServerCommand.self,
        ]
    )
}

extension GlobalOptions {
    /// The bridge networks of this state root.
    var networkStore: NetworkStore { NetworkStore(stateRoot: stateRoot, runDirectory: runDirectory) }
}

/// Docker's rule for network names: `[a-zA-Z0-9][a-zA-Z0-9_.-]*` (and they name a file here).
enum NetworkName {
    static func validate(_ name: String) throws {
        let allowed = { (c: Character) in c.isASCII && (c.isLetter || c.isNumber || "_.-".contains(c)) }
        guard let first = name.first, first.isASCII, first.isLetter || first.isNumber, name.allSatisfy(allowed),
            name.count <= 128
        else {
            throw OrchestratorError(
                .unsupported,
                "invalid network name '\(name)': use letters, digits, '_', '.', '-' (first a letter or digit)")
        }
    }
}
