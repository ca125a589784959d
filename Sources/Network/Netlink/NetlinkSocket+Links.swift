extension NetlinkSocket {
    /// Every link in this socket's namespace.
    public func links() throws(NetworkError) -> [Link] {
        var message = NetlinkMessage(type: RouteNetlink.getLink, flags: RouteNetlink.request | RouteNetlink.dump)
        message.appendInterfaceInfo()
        return try dump(message, what: "listing links").compactMap(Link.init)
    }

    /// The link called `name`, or nil when there is none.
    public func link(named name: String) throws(NetworkError) -> Link? {
        try Self.validate(linkName: name)
        // With NLM_F_ACK, a non-dump GET answers with the link and then an ACK, so the reply
        // ends like a dump does.
        var message = NetlinkMessage(type: RouteNetlink.getLink, flags: RouteNetlink.request | RouteNetlink.acknowledge)
        message.appendInterfaceInfo()
        message.appendAttribute(RouteNetlink.linkName, string: name)
        do {
            return try dump(message, what: "looking up link \(name)").compactMap(Link.init).first
        } catch  where error.code == .notFound {
            return nil
        }
    }

    /// The link called `name`; an error naming it when it does not exist.
    public func requireLink(named name: String) throws(NetworkError) -> Link {
        guard let link = try link(named: name) else {
            throw NetworkError(.notFound, "link \(name) does not exist")
        }
        return link
    }

    /// Creates a Linux bridge called `name` (down; bring it up with `setLink`).
    public func createBridge(named name: String, mtu: Int? = nil) throws(NetworkError) {
        try Self.validate(linkName: name)
        var message = NetlinkMessage(type: RouteNetlink.newLink, flags: Self.createFlags)
        message.appendInterfaceInfo()
        message.appendAttribute(RouteNetlink.linkName, string: name)
        // A bridge without an address of its own takes the lowest of its ports' and changes it
        // as containers come and go, which leaves the containers' ARP entries for the gateway
        // pointing nowhere for seconds (a rolling update's replicas do exactly that). A fixed,
        // locally administered address derived from the name never changes.
        message.appendAttribute(RouteNetlink.linkAddress, Self.bridgeAddress(name))
        if let mtu { message.appendAttribute(RouteNetlink.linkMTU, uint32: UInt32(mtu)) }
        message.beginNest(RouteNetlink.linkInfo)
        message.appendAttribute(RouteNetlink.linkInfoKind, string: "bridge")
        message.endNest()
        try perform(
            message, what: "creating bridge \(name)",
            hint: "a link with that name may be left over; `swiftstack network prune` removes ours")
    }

    /// `02:53:` (locally administered, unicast) followed by four bytes of a hash of `name`.
    static func bridgeAddress(_ name: String) -> [UInt8] {
        var value: UInt32 = 0x811C_9DC5
        for byte in name.utf8 {
            value ^= UInt32(byte)
            value &*= 0x0100_0193
        }
        return [
            0x02, 0x53, UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF),
            UInt8(value & 0xFF),
        ]
    }

    /// Creates a veth pair: `name` in this socket's namespace, `peerName` directly inside
    /// `peerNamespace` (or here when nil), so the container end never appears on the host.
    ///
    /// Doing everything in one request saves round trips on the attach path: `master` attaches
    /// this end to a bridge, and `up` brings this end up as it is created. The peer starts
    /// down: asking the kernel to bring a peer up inside another namespace at creation fails
    /// with ENOTCONN, so the caller brings it up from inside.
    public func createVethPair(
        named name: String, peerName: String, peerNamespace: NetworkNamespace?, mtu: Int? = nil,
        master: Int32? = nil, up: Bool = false, peerHardwareAddress: [UInt8]? = nil
    ) throws(NetworkError) {
        try Self.validate(linkName: name)
        try Self.validate(linkName: peerName)
        let upFlag = up ? RouteNetlink.interfaceUp : 0
        var message = NetlinkMessage(type: RouteNetlink.newLink, flags: Self.createFlags)
        message.appendInterfaceInfo(flags: upFlag, change: upFlag)
        message.appendAttribute(RouteNetlink.linkName, string: name)
        if let mtu { message.appendAttribute(RouteNetlink.linkMTU, uint32: UInt32(mtu)) }
        if let master { message.appendAttribute(RouteNetlink.linkMaster, uint32: UInt32(bitPattern: master)) }
        message.beginNest(RouteNetlink.linkInfo)
        message.appendAttribute(RouteNetlink.linkInfoKind, string: "veth")
        message.beginNest(RouteNetlink.linkInfoData)
        // VETH_INFO_PEER carries a whole ifinfomsg followed by the peer's own attributes.
        message.beginNest(RouteNetlink.vethInfoPeer)
        message.appendInterfaceInfo()
        message.appendAttribute(RouteNetlink.linkName, string: peerName)
        if let peerHardwareAddress { message.appendAttribute(RouteNetlink.linkAddress, peerHardwareAddress) }
        if let mtu { message.appendAttribute(RouteNetlink.linkMTU, uint32: UInt32(mtu)) }
        if let peerNamespace {
            message.appendAttribute(
                RouteNetlink.linkNetworkNamespaceFD, uint32: UInt32(bitPattern: peerNamespace.descriptor))
        }
        message.endNest()
        message.endNest()
        message.endNest()
        try perform(
            message, what: "creating veth pair \(name) ↔ \(peerName)",
            hint: "the host name may be left over, or \(peerName) may already exist in the container")
    }

    /// Changes a link's state: up/down, MTU, the bridge it is attached to (`master`, 0 to
    /// detach) and its name (the kernel renames only a link that is down). Only the given
    /// properties change.
    public func setLink(
        index: Int32, up: Bool? = nil, mtu: Int? = nil, master: Int32? = nil, name: String? = nil
    ) throws(NetworkError) {
        var message = NetlinkMessage(type: RouteNetlink.newLink, flags: RouteNetlink.request | RouteNetlink.acknowledge)
        let upFlag = RouteNetlink.interfaceUp
        message.appendInterfaceInfo(
            index: index, flags: up == true ? upFlag : 0, change: up == nil ? 0 : upFlag)
        if let mtu { message.appendAttribute(RouteNetlink.linkMTU, uint32: UInt32(mtu)) }
        if let master { message.appendAttribute(RouteNetlink.linkMaster, uint32: UInt32(bitPattern: master)) }
        if let name {
            try Self.validate(linkName: name)
            message.appendAttribute(RouteNetlink.linkName, string: name)
        }
        var changes: [String] = []
        if let up { changes.append(up ? "up" : "down") }
        if let name { changes.append("name \(name)") }
        if let mtu { changes.append("mtu \(mtu)") }
        if let master { changes.append(master == 0 ? "no master" : "master \(master)") }
        try perform(message, what: "setting link #\(index) \(changes.joined(separator: ", "))")
    }

    /// Deletes the link called `name` (for a veth, both ends go).
    public func deleteLink(named name: String) throws(NetworkError) {
        try Self.validate(linkName: name)
        var message = NetlinkMessage(
            type: RouteNetlink.deleteLink, flags: RouteNetlink.request | RouteNetlink.acknowledge)
        message.appendInterfaceInfo()
        message.appendAttribute(RouteNetlink.linkName, string: name)
        try perform(message, what: "deleting link \(name)")
    }

    /// Deletes the link with `index`.
    public func deleteLink(index: Int32) throws(NetworkError) {
        var message = NetlinkMessage(
            type: RouteNetlink.deleteLink, flags: RouteNetlink.request | RouteNetlink.acknowledge)
        message.appendInterfaceInfo(index: index)
        try perform(message, what: "deleting link #\(index)")
    }

    static let createFlags =
        RouteNetlink.request | RouteNetlink.acknowledge | RouteNetlink.create | RouteNetlink.exclusive

    /// Interface names: 1–15 bytes (IFNAMSIZ - 1), no '/', ':' or whitespace.
    static func validate(linkName name: String) throws(NetworkError) {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= 15, name != ".", name != "..",
            !bytes.contains(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: ":") || $0 <= 32 || $0 == 127 })
        else {
            throw NetworkError(
                .invalidArgument, "invalid link name \"\(name)\": use 1 to 15 characters without '/', ':' or spaces")
        }
    }
}
