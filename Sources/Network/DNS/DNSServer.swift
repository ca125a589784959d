import NIOCore
import NIOPosix

/// The embedded DNS server: UDP on one address and port (a network's gateway address, port
/// 53, in production; loopback in tests), answering from a `DNSResponder`.
///
/// Answers are computed synchronously on the event loop from the in-memory records, so a
/// query costs one table lookup; record changes are visible to the next query.
public final class DNSServer: Sendable {
    private let channel: any Channel
    /// The address and port actually bound (port 0 asks the kernel for a free one).
    public let boundPort: Int

    private init(channel: any Channel) {
        self.channel = channel
        boundPort = channel.localAddress?.port ?? 0
    }

    /// Starts serving on `host:port`.
    public static func start(
        host: String, port: Int = 53, responder: DNSResponder,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws(NetworkError) -> DNSServer {
        do {
            let channel = try await DatagramBootstrap(group: group)
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(DNSHandler(responder: responder))
                    }
                }
                .bind(host: host, port: port)
                .get()
            return DNSServer(channel: channel)
        } catch {
            throw NetworkError(
                .systemCall, "starting the DNS server on \(host):\(port) failed: \(error); check that the address exists and the port is free")
        }
    }

    /// Stops serving and closes the socket.
    public func stop() async {
        try? await channel.close()
    }
}

/// Turns each datagram into its answer.
private final class DNSHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let responder: DNSResponder

    init(responder: DNSResponder) { self.responder = responder }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let packet = Array(envelope.data.readableBytesView)
        guard let answer = responder.respond(to: packet) else { return }
        let buffer = context.channel.allocator.buffer(bytes: answer)
        context.writeAndFlush(wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: buffer)), promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A failed send (an ICMP error for an earlier reply) must not stop the server.
    }
}
