/// One published port of a standalone container (`run -p`): a host address and port forwarded
/// to a port of the container. Stored in the container's spec as a label, so its owner (the
/// `run -d` monitor, or a foreground `run`) and `inspect`/`ps` read the same thing.
public struct PortMapping: Sendable, Hashable, CustomStringConvertible {
    /// The host address to listen on; `PortMapping.everyAddress` for all of them.
    public var hostIP: String
    public var hostPort: Int
    public var targetPort: Int
    public var transport: PortProxy.Transport

    /// What a port published without a host address listens on: every address of the host
    /// (IPv4, and IPv6 as well where the host has it), as Compose and Docker do.
    public static let everyAddress = "0.0.0.0"

    public init(
        hostIP: String = PortMapping.everyAddress, hostPort: Int, targetPort: Int, transport: PortProxy.Transport
    ) {
        self.hostIP = hostIP
        self.hostPort = hostPort
        self.targetPort = targetPort
        self.transport = transport
    }

    /// Docker's `ps` form: `0.0.0.0:8080->80/tcp`.
    public var description: String { "\(hostIP):\(hostPort)->\(targetPort)/\(transport.rawValue)" }

    /// The label value for a list of mappings: `IP:HOST:TARGET/PROTO`, comma-separated.
    public static func label(_ mappings: [PortMapping]) -> String {
        mappings.map { "\($0.hostIP):\($0.hostPort):\($0.targetPort)/\($0.transport.rawValue)" }
            .joined(separator: ",")
    }

    /// The mappings a label holds (entries it cannot read are skipped: labels are ours).
    public static func parse(label: String) -> [PortMapping] {
        label.split(separator: ",").compactMap { entry in
            let (body, proto) = entry.split(separator: "/").map(String.init).splitFirst
            guard let body, let transport = PortProxy.Transport(rawValue: proto ?? "tcp") else { return nil }
            // The address may be IPv6 (colons of its own): the last two fields are the ports.
            let fields = body.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 3, let host = Int(fields[fields.count - 2]),
                let target = Int(fields[fields.count - 1])
            else { return nil }
            return PortMapping(
                hostIP: fields.dropLast(2).joined(separator: ":"), hostPort: host, targetPort: target,
                transport: transport)
        }
    }
}

extension Array where Element == String {
    fileprivate var splitFirst: (String?, String?) { (first, count > 1 ? self[1] : nil) }
}
