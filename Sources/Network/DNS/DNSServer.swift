import Glibc
import NIOCore
import NIOPosix

/// The embedded DNS server: UDP and TCP on one address and port (a network's gateway
/// address, port 53, in production; loopback in tests), answering from a `DNSResponder`.
///
/// Answers are computed synchronously on the event loop from the in-memory records, so a
/// query costs one table lookup; record changes are visible to the next query.
public final class DNSServer: Sendable {
    private let udp: any Channel
    private let tcp: any Channel
    /// The port actually bound, for UDP and TCP alike (port 0 asks the kernel for a free one).
    public let boundPort: Int

    private init(udp: any Channel, tcp: any Channel) {
        self.udp = udp
        self.tcp = tcp
        boundPort = udp.localAddress?.port ?? 0
    }

    /// Starts serving on `host:port` over UDP and TCP.
    ///
    /// - Parameter clients: when set, only askers whose source address is in this subnet are
    ///   answered (a network's own containers); others are ignored, so a container can never
    ///   read the names of a network it is not on through that network's gateway.
    public static func start(
        host: String, port: Int = 53, responder: DNSResponder, clients: IPv4Subnet? = nil,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws(NetworkError) -> DNSServer {
        var udp: (any Channel)?
        do {
            let datagram = try await DatagramBootstrap(group: group)
                // No SO_REUSEADDR here: on UDP it would let a second server share the port
                // silently instead of failing.
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            DNSDatagramHandler(responder: responder, clients: clients))
                    }
                }
                .bind(host: host, port: port)
                .get()
            udp = datagram
            // TCP on the same port as UDP, so that a kernel-chosen port serves both.
            let stream = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    if let clients, !DNSClientFilter.admits(channel.remoteAddress, clients) {
                        return channel.eventLoop.makeFailedFuture(ChannelError.inappropriateOperationForState)
                    }
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(DNSStreamHandler(responder: responder))
                    }
                }
                .bind(host: host, port: datagram.localAddress?.port ?? port)
                .get()
            return DNSServer(udp: datagram, tcp: stream)
        } catch {
            try? await udp?.close()
            let errno = (error as? IOError)?.errnoCode
            if errno == EADDRINUSE {
                throw NetworkError(
                    .alreadyExists,
                    "the DNS port \(host):\(port) is already in use; stop the other DNS server (another swiftstack supervisor?)",
                    errno: errno)
            }
            throw NetworkError(
                .systemCall,
                "starting the DNS server on \(host):\(port) failed: \(error); check that the address exists on this host",
                errno: errno)
        }
    }

    /// Stops serving and closes the sockets.
    public func stop() async {
        try? await udp.close()
        try? await tcp.close()
    }
}
