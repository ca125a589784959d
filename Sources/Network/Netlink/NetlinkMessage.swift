/// One netlink request under construction: a `nlmsghdr`, a fixed family header (`ifinfomsg`,
/// `ifaddrmsg`, `rtmsg`) and `rtattr` attributes, possibly nested, each padded to 4 bytes.
///
/// Integers are written in host byte order, as the kernel expects for netlink headers and
/// attributes; addresses are written as their network-order bytes.
struct NetlinkMessage {
    private(set) var bytes: [UInt8]
    private var openNests: [Int] = []

    /// Starts a message of `type` with `flags`; the length and sequence number are filled in
    /// by `finished(sequence:)`.
    init(type: UInt16, flags: UInt16) {
        bytes = []
        bytes.reserveCapacity(256)
        appendUInt32(0)  // nlmsg_len, patched later
        appendUInt16(type)
        appendUInt16(flags)
        appendUInt32(0)  // nlmsg_seq, patched later
        appendUInt32(0)  // nlmsg_pid: 0 lets the kernel route replies to this socket
    }

    static func align(_ length: Int) -> Int { (length + 3) & ~3 }

    mutating func appendUInt8(_ value: UInt8) { bytes.append(value) }
    mutating func appendUInt16(_ value: UInt16) { withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) } }
    mutating func appendUInt32(_ value: UInt32) { withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) } }
    mutating func appendInt32(_ value: Int32) { withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) } }

    private mutating func pad() {
        while bytes.count % 4 != 0 { bytes.append(0) }
    }

    /// Appends a `struct ifinfomsg` (16 bytes).
    mutating func appendInterfaceInfo(family: UInt8 = 0, index: Int32 = 0, flags: UInt32 = 0, change: UInt32 = 0) {
        appendUInt8(family)
        appendUInt8(0)
        appendUInt16(0)  // ifi_type
        appendInt32(index)
        appendUInt32(flags)
        appendUInt32(change)
    }

    /// Appends a `struct ifaddrmsg` (8 bytes).
    mutating func appendAddressInfo(family: UInt8, prefixLength: UInt8, flags: UInt8 = 0, scope: UInt8, index: Int32) {
        appendUInt8(family)
        appendUInt8(prefixLength)
        appendUInt8(flags)
        appendUInt8(scope)
        appendUInt32(UInt32(bitPattern: index))
    }

    /// Appends a `struct rtmsg` (12 bytes).
    mutating func appendRouteInfo(
        family: UInt8, destinationLength: UInt8, table: UInt8, protocol: UInt8, scope: UInt8, type: UInt8
    ) {
        appendUInt8(family)
        appendUInt8(destinationLength)
        appendUInt8(0)  // rtm_src_len
        appendUInt8(0)  // rtm_tos
        appendUInt8(table)
        appendUInt8(`protocol`)
        appendUInt8(scope)
        appendUInt8(type)
        appendUInt32(0)  // rtm_flags
    }

    /// Appends one attribute with a raw payload.
    mutating func appendAttribute(_ type: UInt16, _ payload: [UInt8]) {
        pad()
        appendUInt16(UInt16(4 + payload.count))
        appendUInt16(type)
        bytes.append(contentsOf: payload)
        pad()
    }

    mutating func appendAttribute(_ type: UInt16, uint32 value: UInt32) {
        appendAttribute(type, withUnsafeBytes(of: value) { Array($0) })
    }

    /// A NUL-terminated string attribute, as the kernel expects for names and kinds.
    mutating func appendAttribute(_ type: UInt16, string value: String) {
        appendAttribute(type, Array(value.utf8) + [0])
    }

    mutating func appendAttribute(_ type: UInt16, address: IPv4Address) {
        appendAttribute(type, address.bytes)
    }

    /// Opens a nested attribute; everything appended until the matching `endNest()` is its payload.
    mutating func beginNest(_ type: UInt16) {
        pad()
        openNests.append(bytes.count)
        appendUInt16(0)  // rta_len, patched by endNest
        appendUInt16(type)
    }

    mutating func endNest() {
        let start = openNests.removeLast()
        pad()
        let length = UInt16(bytes.count - start)
        withUnsafeBytes(of: length) { bytes.replaceSubrange(start..<start + 2, with: $0) }
    }

    /// The wire bytes with the length and `sequence` filled in.
    func finished(sequence: UInt32) -> [UInt8] {
        precondition(openNests.isEmpty, "unbalanced netlink attribute nesting")
        var result = bytes
        withUnsafeBytes(of: UInt32(result.count)) { result.replaceSubrange(0..<4, with: $0) }
        withUnsafeBytes(of: sequence) { result.replaceSubrange(8..<12, with: $0) }
        return result
    }
}
