/// Numbers from the kernel's netlink ABI (linux/netlink.h, linux/rtnetlink.h, linux/if_link.h,
/// linux/if_addr.h, linux/veth.h). They are part of the stable user-space ABI, so they are
/// spelled out here instead of importing the kernel headers into Swift.
enum RouteNetlink {
    // nlmsghdr types
    static let messageError: UInt16 = 2  // NLMSG_ERROR
    static let messageDone: UInt16 = 3  // NLMSG_DONE

    // nlmsghdr flags
    static let request: UInt16 = 0x1  // NLM_F_REQUEST
    static let multipart: UInt16 = 0x2  // NLM_F_MULTI
    static let acknowledge: UInt16 = 0x4  // NLM_F_ACK
    static let dumpInterrupted: UInt16 = 0x10  // NLM_F_DUMP_INTR
    static let dump: UInt16 = 0x300  // NLM_F_ROOT | NLM_F_MATCH
    static let exclusive: UInt16 = 0x200  // NLM_F_EXCL
    static let create: UInt16 = 0x400  // NLM_F_CREATE
    static let errorCapped: UInt16 = 0x100  // NLM_F_CAPPED (in NLMSG_ERROR)
    static let errorHasTLVs: UInt16 = 0x200  // NLM_F_ACK_TLVS (in NLMSG_ERROR)
    static let extendedAckMessage: UInt16 = 1  // NLMSGERR_ATTR_MSG

    // rtnetlink message types
    static let newLink: UInt16 = 16
    static let deleteLink: UInt16 = 17
    static let getLink: UInt16 = 18
    static let newAddress: UInt16 = 20
    static let deleteAddress: UInt16 = 21
    static let getAddress: UInt16 = 22
    static let newRoute: UInt16 = 24
    static let deleteRoute: UInt16 = 25
    static let getRoute: UInt16 = 26

    // address families
    static let familyUnspecified: UInt8 = 0  // AF_UNSPEC
    static let familyIPv4: UInt8 = 2  // AF_INET

    // link attributes (IFLA_*)
    static let linkAddress: UInt16 = 1  // IFLA_ADDRESS
    static let linkName: UInt16 = 3  // IFLA_IFNAME
    static let linkMTU: UInt16 = 4  // IFLA_MTU
    static let linkMaster: UInt16 = 10  // IFLA_MASTER
    static let linkOperationalState: UInt16 = 16  // IFLA_OPERSTATE
    static let linkInfo: UInt16 = 18  // IFLA_LINKINFO
    static let linkNetworkNamespaceFD: UInt16 = 28  // IFLA_NET_NS_FD
    static let linkInfoKind: UInt16 = 1  // IFLA_INFO_KIND
    static let linkInfoData: UInt16 = 2  // IFLA_INFO_DATA
    static let vethInfoPeer: UInt16 = 1  // VETH_INFO_PEER

    // link flags (IFF_*)
    static let interfaceUp: UInt32 = 0x1  // IFF_UP
    static let interfaceLowerUp: UInt32 = 0x10000  // IFF_LOWER_UP

    // address attributes (IFA_*)
    static let addressAddress: UInt16 = 1  // IFA_ADDRESS
    static let addressLocal: UInt16 = 2  // IFA_LOCAL
    static let addressLabel: UInt16 = 3  // IFA_LABEL
    static let addressBroadcast: UInt16 = 4  // IFA_BROADCAST

    // route attributes (RTA_*) and rtmsg values
    static let routeDestination: UInt16 = 1  // RTA_DST
    static let routeOutputInterface: UInt16 = 4  // RTA_OIF
    static let routeGateway: UInt16 = 5  // RTA_GATEWAY
    static let routePreferredSource: UInt16 = 7  // RTA_PREFSRC
    static let routeTable: UInt16 = 15  // RTA_TABLE
    static let tableMain: UInt8 = 254  // RT_TABLE_MAIN
    static let protocolBoot: UInt8 = 3  // RTPROT_BOOT, what `ip route add` uses
    static let scopeUniverse: UInt8 = 0  // RT_SCOPE_UNIVERSE
    static let scopeLink: UInt8 = 253  // RT_SCOPE_LINK
    static let scopeHost: UInt8 = 254  // RT_SCOPE_HOST
    static let routeTypeUnicast: UInt8 = 1  // RTN_UNICAST
}
