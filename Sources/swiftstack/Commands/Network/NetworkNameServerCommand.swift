import ArgumentParser
import Glibc
import Orchestrator

/// `swiftstack network _dns NAME` (hidden): the name server of a `network create` network,
/// started by `run --network NAME` (see `NetworkNameServer`), its log on fd 3.
struct NetworkNameServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_dns", abstract: "Serve a network's names (internal; started by `run`).", shouldDisplay: false)

    @OptionGroup var global: GlobalOptions
    @Argument var network: String

    func run() async throws {
        signal(SIGHUP, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        if fcntl(3, F_GETFD) >= 0 {
            dup2(3, 1)
            dup2(3, 2)
            close(3)
        }
        do {
            try await NetworkNameServer(store: global.networkStore, network: network).run()
        } catch {
            Console.error("name server of \(network): \(error)")
            throw ExitCode(1)
        }
    }
}
