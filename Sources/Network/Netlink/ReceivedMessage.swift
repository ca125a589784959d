/// One message of a kernel reply: its header fields and the bytes after the header.
struct ReceivedMessage {
    var type: UInt16
    var flags: UInt16
    var sequence: UInt32
    var body: ArraySlice<UInt8>

    /// For NLMSG_ERROR and NLMSG_DONE: throws when the embedded error is non-zero, with the
    /// kernel's extended-ACK text when it sent one.
    func throwIfError(what: String, hint: String?) throws(NetworkError) {
        guard body.count >= 4 else { return }
        let error = body.withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }
        guard error < 0 else { return }
        var detail = ""
        if flags & RouteNetlink.errorHasTLVs != 0 {
            var tlvStart = body.startIndex + 4
            if type == RouteNetlink.messageError, body.count >= 20 {
                // NLMSG_ERROR echoes our request's header (and its payload unless capped).
                let echoedLength = body.withUnsafeBytes { Int($0.loadUnaligned(fromByteOffset: 4, as: UInt32.self)) }
                tlvStart += flags & RouteNetlink.errorCapped != 0 ? 16 : NetlinkMessage.align(echoedLength)
            }
            if tlvStart < body.endIndex,
                let text = NetlinkAttributes(body[tlvStart...]).first(RouteNetlink.extendedAckMessage)?.string,
                !text.isEmpty
            {
                detail = " (kernel: \(text))"
            }
        }
        throw NetworkError.kernel(-error, what + detail, hint: hint)
    }
}
