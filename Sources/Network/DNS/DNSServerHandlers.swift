import NIOCore

/// DNS over TCP: each message is preceded by its length as two bytes (RFC 1035 4.2.2); a
/// connection may carry several queries.
final class DNSStreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let responder: DNSResponder
    private var pending = ByteBuffer()

    init(responder: DNSResponder) { self.responder = responder }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        pending.writeBuffer(&incoming)
        while let length = pending.getInteger(at: pending.readerIndex, as: UInt16.self),
            pending.readableBytes >= 2 + Int(length)
        {
            pending.moveReaderIndex(forwardBy: 2)
            let packet = pending.readBytes(length: Int(length)) ?? []
            guard let answer = responder.respond(to: packet) else {
                context.close(promise: nil)
                return
            }
            var buffer = context.channel.allocator.buffer(capacity: answer.count + 2)
            buffer.writeInteger(UInt16(answer.count))
            buffer.writeBytes(answer)
            context.write(wrapOutboundOut(buffer), promise: nil)
        }
        pending.discardReadBytes()
        context.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// Turns each datagram into its answer.
final class DNSDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let responder: DNSResponder
    private let clients: IPv4Subnet?

    init(responder: DNSResponder, clients: IPv4Subnet?) {
        self.responder = responder
        self.clients = clients
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        if let clients, !DNSClientFilter.admits(envelope.remoteAddress, clients) { return }
        let packet = Array(envelope.data.readableBytesView)
        guard let answer = responder.respond(to: packet) else { return }
        let buffer = context.channel.allocator.buffer(bytes: answer)
        context.writeAndFlush(
            wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: buffer)), promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A failed send (an ICMP error for an earlier reply) must not stop the server.
    }
}

/// Whether an asker may be answered: its IPv4 source address lies in the network's subnet.
enum DNSClientFilter {
    static func admits(_ address: SocketAddress?, _ clients: IPv4Subnet) -> Bool {
        guard let text = address?.ipAddress, let source = IPv4Address(text) else { return false }
        return clients.contains(source)
    }
}
