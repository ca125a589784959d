import Foundation
import Glibc
import Network
import Orchestrator
import Runtime

/// A `run --network NAME` container's place on its network: the namespace wired before the
/// container exists (kept open by this object until the container has joined it; the kernel
/// frees it, with the veth pair, when the container's last process is gone) and its address.
final class RunAttachment {
    let store: NetworkStore
    let network: String
    let container: String
    let namespace: NetworkNamespace
    /// False for `run --rm`: the address's allocation and release are not flushed to disk.
    let durable: Bool
    /// Whether the network has a name server of its own (a `network create` network), which
    /// gives the addresses of removed containers back by itself.
    let reclaimedByNameServer: Bool

    init(
        store: NetworkStore, network: String, container: String, namespace: NetworkNamespace, durable: Bool,
        reclaimedByNameServer: Bool
    ) {
        self.store = store
        self.network = network
        self.container = container
        self.namespace = namespace
        self.durable = durable
        self.reclaimedByNameServer = reclaimedByNameServer
    }

    /// Gives the container's address back (it was removed, or never started).
    func release() {
        store.release(container, network: network, durable: durable)
    }

    /// After `run --rm` removed the container: the address goes back to the pool, by the
    /// network's name server when it has one (it reclaims it within milliseconds of the
    /// removal, off the command's path; a sweep or a full network would otherwise).
    func releaseAfterRemoval() {
        if !reclaimedByNameServer { release() }
    }

    /// Starts the network's name server unless one runs, without waiting for it.
    func startNameServer(_ global: GlobalOptions) {
        NetworkNameServer(store: store, network: network).startIfNeeded()
    }
}

/// The label listing the networks a `run --network` container was attached to.
enum RunNetworkLabel {
    static let key = "swiftstack.networks"
}

extension RunCommand {
    /// Creates the container; on a named network (not none/host/bridge/container:) first a
    /// namespace with a veth into the network's bridge and an address, `/etc/resolv.conf`
    /// naming the gateway (the network's name server) and `/etc/hosts` its own address.
    func createAttached(_ spec: inout ContainerSpec, _ runtime: ContainerRuntime) throws -> RunAttachment? {
        guard let name = network, !["none", "bridge", "default", "host"].contains(name), !name.hasPrefix("container:")
        else {
            if !networkAlias.isEmpty {
                throw RuntimeError(.invalidArgument, "--network-alias needs --network with a network's name")
            }
            _ = try runtime.create(spec)
            return nil
        }
        for alias in networkAlias {
            let allowed = { (c: Character) in c.isASCII && (c.isLetter || c.isNumber || "_.-".contains(c)) }
            guard !alias.isEmpty, alias.allSatisfy(allowed) else {
                throw RuntimeError(
                    .invalidArgument, "invalid --network-alias '\(alias)': use letters, digits, '_', '.', '-'")
            }
        }
        let store = global.networkStore
        guard let info = store.network(name) else {
            throw RuntimeError(.notFound, "network \(name) does not exist; create it with `swiftstack network create`")
        }
        // An address is keyed by container name: a name in use must fail before it is touched.
        if (try? runtime.container(spec.name)) != nil {
            throw RuntimeError(
                .invalidArgument, "the container name \(spec.name) is already in use; remove it or pick another name")
        }
        let namespace = try NetworkNamespace.create()
        spec.network = .namespace("/proc/\(getpid())/fd/\(namespace.descriptor)")
        spec.dnsServers = ["\(info.gateway)"]
        spec.labels[RunNetworkLabel.key] = name
        if !networkAlias.isEmpty { spec.labels[NetworkStore.aliasesLabel] = networkAlias.joined(separator: ",") }
        let attachment = RunAttachment(
            store: store, network: name, container: spec.name, namespace: namespace, durable: !rm,
            reclaimedByNameServer: info.project == nil)
        try store.withAttachLock {
            let link = try store.attach(spec.name, namespace: namespace, network: name, durable: !rm)
            let names = [spec.name] + (spec.hostname == spec.name ? [] : [spec.hostname]) + networkAlias
            spec.extraHosts = ["\(link.address) \(names.joined(separator: " "))"] + spec.extraHosts
            do { _ = try runtime.create(spec) } catch {
                attachment.release()
                throw error
            }
        }
        return attachment
    }
}
