import Glibc
import NIOCore
import NIOPosix

/// A published port: a userland proxy listening on a host address and port that forwards each
/// TCP connection (or UDP flow) to one of a service's containers, chosen by `backend` at
/// connection time. It only ever connects to the addresses `backend` returns (our containers).
public final class PortProxy: Sendable {
    public enum Transport: String, Sendable { case tcp, udp }

    /// Where a connection goes: a container's address and port, nil when none runs.
    public typealias Backend = @Sendable () -> (address: IPv4Address, port: Int)?

    public let host: String
    public let port: Int
    public let transport: Transport
    private let channel: any Channel

    private init(host: String, port: Int, transport: Transport, channel: any Channel) {
        self.host = host
        self.port = port
        self.transport = transport
        self.channel = channel
    }

    /// Starts listening on `host:port` (`PortMapping.everyAddress`: every IPv4 and IPv6
    /// address of the host); a port in use fails with `.alreadyExists` naming it.
    public static func start(
        host: String, port: Int, transport: Transport, backend: @escaping Backend,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws(NetworkError) -> PortProxy {
        do {
            let channel = try await bind(host: host, port: port, transport: transport, backend: backend, group: group)
                .get()
            return PortProxy(host: host, port: port, transport: transport, channel: channel)
        } catch {
            throw failure(error, host: host, port: port, transport: transport)
        }
    }

    /// `start` for a caller outside any event loop or task (a container's monitor, a
    /// foreground `run`): blocks until the port is bound.
    public static func startBlocking(
        host: String, port: Int, transport: Transport, backend: @escaping Backend,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws(NetworkError) -> PortProxy {
        do {
            let channel = try bind(host: host, port: port, transport: transport, backend: backend, group: group)
                .wait()
            return PortProxy(host: host, port: port, transport: transport, channel: channel)
        } catch {
            throw failure(error, host: host, port: port, transport: transport)
        }
    }

    private static func bind(
        host: String, port: Int, transport: Transport, backend: @escaping Backend, group: any EventLoopGroup
    ) -> EventLoopFuture<any Channel> {
        let listen = PortAvailability.listenAddress(host)
        // `::` takes IPv4 too (mapped addresses), whatever the host's `bindv6only` says.
        let dualStack = ChannelOptions.Types.SocketOption(
            level: NIOBSDSocket.OptionLevel(rawValue: Int32(IPPROTO_IPV6)),
            name: NIOBSDSocket.Option(rawValue: IPV6_V6ONLY))
        switch transport {
        case .tcp:
            var bootstrap = ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            if listen == "::" { bootstrap = bootstrap.serverChannelOption(dualStack, value: 0) }
            return
                bootstrap
                .childChannelInitializer { inbound in
                    guard let target = backend() else {
                        return inbound.eventLoop.makeFailedFuture(ChannelError.connectPending)
                    }
                    return ClientBootstrap(group: inbound.eventLoop)
                        .connectTimeout(.seconds(5))
                        .connect(host: "\(target.address)", port: target.port)
                        .flatMap { outbound in
                            inbound.eventLoop.makeCompletedFuture {
                                let (inner, outer) = ProxyGlue.pair()
                                try inbound.pipeline.syncOperations.addHandler(inner)
                                try outbound.pipeline.syncOperations.addHandler(outer)
                            }
                        }
                }
                .bind(host: listen, port: port)
        case .udp:
            var bootstrap = DatagramBootstrap(group: group)
            if listen == "::" { bootstrap = bootstrap.channelOption(dualStack, value: 0) }
            return
                bootstrap
                .channelInitializer { listener in
                    listener.eventLoop.makeCompletedFuture {
                        try listener.pipeline.syncOperations.addHandler(DatagramRelay(backend: backend))
                    }
                }
                .bind(host: listen, port: port)
        }
    }

    private static func failure(_ error: any Error, host: String, port: Int, transport: Transport) -> NetworkError {
        let errno = (error as? IOError)?.errnoCode
        if errno == EADDRINUSE {
            return NetworkError(
                .alreadyExists,
                "host port \(host):\(port)/\(transport.rawValue) is already in use by another process; publish another port or stop that process",
                errno: errno)
        }
        return NetworkError(
            .systemCall, "publishing \(host):\(port)/\(transport.rawValue) failed: \(error)", errno: errno)
    }

    /// Stops listening; established TCP connections go on until either side closes.
    public func stop() async {
        try? await channel.close()
    }
}
