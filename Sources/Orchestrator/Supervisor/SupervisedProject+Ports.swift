import Network

extension SupervisedProject {
    /// Fails, naming the port, when a port the project publishes is taken by anyone but the
    /// project's own supervisor (`held`), or published twice: `up` checks before creating anything.
    public func checkPorts(held: [PublishedPort]) throws {
        var seen = Set<String>()
        for port in publishedPorts {
            guard seen.insert(port.description).inserted else {
                throw OrchestratorError(
                    .invalidPlan, "service \(port.service): host port \(port) is published twice",
                    hint: "give each published port a host port of its own")
            }
            // Held by our own supervisor (maybe for another target or service): it rebinds it.
            if held.contains(where: { $0.description == port.description }) { continue }
            do {
                try PortAvailability.check(
                    host: port.hostIP, port: port.hostPort, transport: port.transport == "udp" ? .udp : .tcp)
            } catch {
                throw OrchestratorError(.portInUse, "service \(port.service): \(error.message)")
            }
        }
    }
}
