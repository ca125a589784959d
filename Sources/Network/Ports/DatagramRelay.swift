import NIOCore
import NIOPosix

/// UDP for a published port: each client address gets its own socket connected to a
/// container (a flow), so replies find their way back; idle flows are closed.
final class DatagramRelay: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    /// Flows idle this long are closed.
    static let idleTimeout = TimeAmount.seconds(60)
    /// At most this many clients at once; the oldest flow goes first.
    static let maxFlows = 256

    private struct Flow {
        var channel: (any Channel)?
        var queued: [ByteBuffer] = []
        var lastUsed: NIODeadline
    }

    private let backend: PortProxy.Backend
    private var flows: [SocketAddress: Flow] = [:]
    private var sweep: RepeatedTask?

    init(backend: @escaping PortProxy.Backend) { self.backend = backend }

    func channelActive(context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        sweep = context.eventLoop.scheduleRepeatedTask(initialDelay: Self.idleTimeout, delay: .seconds(10)) { _ in
            loopBound.value.closeIdleFlows()
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        sweep?.cancel()
        for flow in flows.values { flow.channel?.close(promise: nil) }
        flows.removeAll()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let client = envelope.remoteAddress
        if var flow = flows[client] {
            flow.lastUsed = .now()
            if let channel = flow.channel {
                channel.writeAndFlush(envelope.data, promise: nil)
            } else {
                flow.queued.append(envelope.data)
            }
            flows[client] = flow
            return
        }
        guard let target = backend() else { return }
        if flows.count >= Self.maxFlows, let oldest = flows.min(by: { $0.value.lastUsed < $1.value.lastUsed }) {
            oldest.value.channel?.close(promise: nil)
            flows[oldest.key] = nil
        }
        flows[client] = Flow(queued: [envelope.data], lastUsed: .now())
        let listener = context.channel
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        DatagramBootstrap(group: context.eventLoop)
            .channelInitializer { flowChannel in
                flowChannel.eventLoop.makeCompletedFuture {
                    try flowChannel.pipeline.syncOperations.addHandler(
                        DatagramReply(listener: listener, client: client))
                }
            }
            .connect(host: "\(target.address)", port: target.port)
            .whenComplete { result in
                let relay = loopBound.value
                switch result {
                case .success(let channel):
                    guard var flow = relay.flows[client] else {
                        channel.close(promise: nil)
                        return
                    }
                    flow.channel = channel
                    for packet in flow.queued { channel.write(packet, promise: nil) }
                    channel.flush()
                    flow.queued = []
                    relay.flows[client] = flow
                case .failure:
                    relay.flows[client] = nil
                }
            }
    }

    private func closeIdleFlows() {
        let limit = NIODeadline.now() - Self.idleTimeout
        for (client, flow) in flows where flow.lastUsed < limit {
            flow.channel?.close(promise: nil)
            flows[client] = nil
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // An ICMP error for one flow must not stop the port.
    }
}

/// The container's replies on one flow, sent back to its client from the published port.
final class DatagramReply: ChannelInboundHandler {
    // A connected datagram channel still delivers envelopes.
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let listener: any Channel
    private let client: SocketAddress

    init(listener: any Channel, client: SocketAddress) {
        self.listener = listener
        self.client = client
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let reply = unwrapInboundIn(data).data
        listener.writeAndFlush(AddressedEnvelope(remoteAddress: client, data: reply), promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {}
}
