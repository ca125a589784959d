import Foundation
import Network

extension Supervisor {
    /// Runs a DNS server on the gateway (port 53) of each network the project owns and brings
    /// its records in line with `table`: only names that changed are touched. A network the
    /// project did not make (`external: true`, made by `network create`) is served by that
    /// network's own name server (`NetworkNameServer`, which answers for the project's
    /// containers on it too): started here when none runs, never contended for.
    func serveNames(_ project: SupervisedProject, table: [String: [String: [IPv4Address]]], _ loop: inout LoopState)
        async
    {
        for network in project.networks where loop.dnsServers[network] == nil {
            guard let record = engine.networkRecords.load(network), let gateway = record.gateway else { continue }
            guard record.project == project.name else {
                // Only while some container runs on it: the server exits when none does.
                if table[network]?.isEmpty == false {
                    NetworkNameServer(store: engine.networkStore, network: network).startIfNeeded(
                        executable: engine.monitorExecutable)
                }
                continue
            }
            let records = loop.dnsRecords[network] ?? DNSRecords()
            do {
                loop.dnsServers[network] = try await DNSServer.start(
                    host: gateway, port: 53, responder: DNSResponder(domain: project.name, records: records),
                    // Only the network's own containers are answered (the host owns every gateway).
                    clients: record.subnet.flatMap { IPv4Subnet($0) })
                loop.dnsRecords[network] = records
                loop.dnsGateways[network] = gateway
                loop.names[network] = [:]
                log("serving DNS for \(network) on \(gateway):53")
            } catch {
                if loop.dnsFailures.insert(network).inserted { log("DNS for \(network): \(error)") }
            }
        }
        for (network, server) in loop.dnsServers where !project.networks.contains(network) {
            await server.stop()
            loop.dnsServers[network] = nil
            loop.dnsRecords[network] = nil
            loop.dnsGateways[network] = nil
            loop.names[network] = nil
        }
        for (network, records) in loop.dnsRecords {
            let wanted = table[network] ?? [:]
            let previous = loop.names[network] ?? [:]
            for (name, addresses) in wanted where previous[name] != addresses { records.set(name, to: addresses) }
            for name in previous.keys where wanted[name] == nil { records.set(name, to: []) }
            loop.names[network] = wanted
        }
    }
}
