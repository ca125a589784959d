import Foundation
import Network

extension Supervisor {
    /// Keeps a proxy on every published port of the project and points each at the running
    /// (healthy, where it has a healthcheck) replicas of its service.
    func publishPorts(_ project: SupervisedProject, table: [String: [String: [IPv4Address]]], _ loop: inout LoopState)
        async
    {
        var backends: [String: [IPv4Address]] = [:]
        for service in project.services where !service.ports.isEmpty {
            let network = project.networks.first { table[$0]?[service.name] != nil }
            backends[service.name] = network.flatMap { table[$0]?[service.name] } ?? []
        }
        shared.withLock { $0.backends = backends }
        let wanted = Set(project.publishedPorts)
        // Stopped first, so a port that now forwards elsewhere can be bound again below.
        for (port, proxy) in loop.proxies where !wanted.contains(port) {
            await proxy.stop()
            loop.proxies[port] = nil
            log("unpublished \(port)")
        }
        for port in wanted where loop.proxies[port] == nil {
            let service = port.service
            let target = port.targetPort
            let backend: PortProxy.Backend = { [self] in
                shared.withLock { state in
                    guard let addresses = state.backends[service], !addresses.isEmpty else { return nil }
                    state.rotation &+= 1
                    return (addresses[state.rotation % addresses.count], target)
                }
            }
            do {
                loop.proxies[port] = try await PortProxy.start(
                    host: port.hostIP, port: port.hostPort, transport: port.transport == "udp" ? .udp : .tcp,
                    backend: backend)
                loop.portFailures.remove(port)
                log("published \(port) → \(service):\(target)")
            } catch {
                if loop.portFailures.insert(port).inserted { log("publishing \(port) failed: \(error)") }
            }
        }
    }
}
