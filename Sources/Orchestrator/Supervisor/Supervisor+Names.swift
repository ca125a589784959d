import Foundation
import Network

extension Supervisor {
    /// Runs a DNS server on each project network's gateway (port 53) and brings its records in
    /// line with `table`: only names that changed are touched.
    func serveNames(_ project: SupervisedProject, table: [String: [String: [IPv4Address]]], _ loop: inout LoopState)
        async
    {
        for network in project.networks where loop.dnsServers[network] == nil {
            guard let record = engine.networkRecords.load(network), let gateway = record.gateway else { continue }
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
