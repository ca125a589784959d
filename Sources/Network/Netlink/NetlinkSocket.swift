import CShim
import Glibc

/// A NETLINK_ROUTE socket: requests with sequence numbers, ACK and error handling, dumps.
///
/// The socket stays bound to the network namespace of the thread that opened it, for its
/// whole life. To manage links inside a container, open it with `open(in:)`, which enters the
/// namespace on a dedicated thread only for the `socket()` call.
///
/// Not thread-safe: use one socket from one task at a time (they are cheap to open).
public final class NetlinkSocket {
    let descriptor: Int32
    private var sequence: UInt32
    private var buffer: [UInt8]

    /// Opens a socket in the calling thread's network namespace.
    public init() throws(NetworkError) {
        let result = cshim_netlink_route_socket(1 << 20)
        guard result >= 0 else {
            throw NetworkError.kernel(-result, "opening a NETLINK_ROUTE socket")
        }
        descriptor = result
        // A per-socket random start makes a stale reply from an earlier socket impossible to
        // mistake for ours even if a descriptor number is reused.
        sequence = UInt32.random(in: 1...(UInt32.max / 2))
        buffer = [UInt8](repeating: 0, count: 64 * 1024)
    }

    /// Opens a socket bound to `namespace` without moving any shared thread into it.
    public static func open(in namespace: NetworkNamespace) throws(NetworkError) -> NetlinkSocket {
        try namespace.run { () throws(NetworkError) in try NetlinkSocket() }
    }

    deinit { close(descriptor) }

    private func nextSequence() -> UInt32 {
        sequence &+= 1
        if sequence == 0 { sequence = 1 }
        return sequence
    }

    private func send(_ message: NetlinkMessage, what: String) throws(NetworkError) -> UInt32 {
        let sequence = nextSequence()
        let bytes = message.finished(sequence: sequence)
        let sent = bytes.withUnsafeBytes { cshim_netlink_send(descriptor, $0.baseAddress, UInt($0.count)) }
        guard sent == bytes.count else {
            throw NetworkError(
                .netlink, "\(what): sending the netlink request failed", errno: sent < 0 ? Int32(-sent) : nil)
        }
        return sequence
    }

    /// One datagram from the kernel, split into messages.
    private func receive(what: String) throws(NetworkError) -> [ReceivedMessage] {
        var received: Int
        repeat {
            received = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_TRUNC)) }
        } while received < 0 && errno == EINTR
        guard received >= 0 else {
            throw NetworkError(.netlink, "\(what): receiving the kernel's reply failed", errno: errno)
        }
        guard received <= buffer.count else {
            throw NetworkError(.netlink, "\(what): a netlink reply of \(received) bytes did not fit the receive buffer")
        }
        var messages: [ReceivedMessage] = []
        var offset = 0
        while received - offset >= 16 {
            let header = buffer.withUnsafeBytes { raw in
                (
                    length: Int(raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)),
                    type: raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt16.self),
                    flags: raw.loadUnaligned(fromByteOffset: offset + 6, as: UInt16.self),
                    sequence: raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)
                )
            }
            guard header.length >= 16, offset + header.length <= received else {
                throw NetworkError(.netlink, "\(what): the kernel sent a malformed netlink message")
            }
            messages.append(
                ReceivedMessage(
                    type: header.type, flags: header.flags, sequence: header.sequence,
                    body: ArraySlice(buffer[(offset + 16)..<(offset + header.length)])))
            offset += NetlinkMessage.align(header.length)
        }
        return messages
    }

    /// Sends a request that changes something and waits for the kernel's ACK.
    ///
    /// - Parameters:
    ///   - what: says what was attempted, for the error message ("creating bridge ssb-…").
    ///   - hint: what the user can do when this fails.
    func perform(_ message: NetlinkMessage, what: String, hint: String? = nil) throws(NetworkError) {
        let sequence = try send(message, what: what)
        while true {
            for reply in try receive(what: what) where reply.sequence == sequence {
                if reply.type == RouteNetlink.messageError {
                    try reply.throwIfError(what: what, hint: hint)
                    return
                }
            }
        }
    }

    /// Sends a dump request and returns every reply message's type and body, retrying when the
    /// kernel reports that the table changed under the dump.
    func dump(_ message: NetlinkMessage, what: String) throws(NetworkError) -> [ReceivedMessage] {
        for _ in 0..<5 {
            let sequence = try send(message, what: what)
            var results: [ReceivedMessage] = []
            var interrupted = false
            receiving: while true {
                for reply in try receive(what: what) where reply.sequence == sequence {
                    if reply.flags & RouteNetlink.dumpInterrupted != 0 { interrupted = true }
                    switch reply.type {
                    case RouteNetlink.messageDone:
                        try reply.throwIfError(what: what, hint: nil)
                        break receiving
                    case RouteNetlink.messageError:
                        try reply.throwIfError(what: what, hint: nil)
                        break receiving
                    default:
                        results.append(reply)
                    }
                }
            }
            if !interrupted { return results }
        }
        throw NetworkError(.netlink, "\(what): the kernel's table kept changing during the dump; try again")
    }
}
