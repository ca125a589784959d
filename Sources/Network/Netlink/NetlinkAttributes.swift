/// Read-only view over a run of `rtattr` attributes (a message's tail or a nested payload).
///
/// Malformed lengths end the walk rather than trap: the bytes come from the kernel, but a
/// parser must never crash the process over them.
struct NetlinkAttributes: Sequence {
    struct Attribute {
        /// The attribute type with the NLA_F_NESTED / NLA_F_NET_BYTEORDER flags removed.
        var type: UInt16
        var payload: ArraySlice<UInt8>

        var uint32: UInt32? {
            guard payload.count >= 4 else { return nil }
            return payload.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
        }

        var uint8: UInt8? { payload.first }

        /// A NUL-terminated (or unterminated) string payload.
        var string: String {
            let content = payload.prefix { $0 != 0 }
            return String(decoding: content, as: UTF8.self)
        }

        var ipv4: IPv4Address? {
            guard payload.count == 4 else { return nil }
            let b = Array(payload)
            return IPv4Address(b[0], b[1], b[2], b[3])
        }

        var nested: NetlinkAttributes { NetlinkAttributes(payload) }
    }

    let bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    func makeIterator() -> AnyIterator<Attribute> {
        var offset = bytes.startIndex
        let end = bytes.endIndex
        let bytes = self.bytes
        return AnyIterator {
            guard end - offset >= 4 else { return nil }
            let (length, type) = bytes.withUnsafeBytes { raw in
                let at = offset - bytes.startIndex
                return (
                    Int(raw.loadUnaligned(fromByteOffset: at, as: UInt16.self)),
                    raw.loadUnaligned(fromByteOffset: at + 2, as: UInt16.self) & 0x3FFF
                )
            }
            guard length >= 4, offset + length <= end else { return nil }
            let attribute = Attribute(type: type, payload: bytes[(offset + 4)..<(offset + length)])
            offset = Swift.min(end, offset + NetlinkMessage.align(length))
            return attribute
        }
    }

    func first(_ type: UInt16) -> Attribute? { first { $0.type == type } }
}
