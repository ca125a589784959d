import ArgumentParser
import Orchestrator

/// `swiftstack network prune`: removes the networks made by `network create` that no container
/// uses, then sweeps what killed commands left (bridges, veths, addresses, pinned namespaces
/// of this state root; see `NetworkStore.sweepLeftovers`). A stack's networks stay with their
/// stack (`down` removes them).
struct NetworkPruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune", abstract: "Remove unused networks and what interrupted commands left behind.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Do not prompt (swiftstack never prompts; accepted for Docker compatibility).")
    var force = false

    func run() throws {
        let store = global.networkStore
        try ContainerCommandErrors.reporting {
            let sweep = try store.sweepLeftovers()
            var removed: [String] = []
            for network in store.list() where network.project == nil && store.members(of: network.name).isEmpty {
                do {
                    try store.remove(network.name, force: false)
                    removed.append(network.name)
                } catch {
                    // Someone attached a container meanwhile: it is in use after all.
                }
            }
            if !removed.isEmpty {
                print("Deleted Networks:")
                for name in removed { print(name) }
            }
            if !sweep.isEmpty {
                print("Leftovers removed:")
                for link in sweep.links { print("link: \(link)") }
                for address in sweep.addresses { print("address: \(address)") }
                for namespace in sweep.namespaces { print("namespace: \(namespace)") }
            }
        }
    }
}
