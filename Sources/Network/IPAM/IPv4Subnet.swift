/// An IPv4 network in CIDR form, always normalised to its network address (10.121.3.0/24).
public struct IPv4Subnet: Hashable, Sendable, CustomStringConvertible, Codable {
    public let network: IPv4Address
    public let prefixLength: Int

    /// Creates the subnet containing `address`; host bits are cleared.
    public init(_ address: IPv4Address, prefixLength: Int) {
        precondition((0...32).contains(prefixLength), "prefix length out of range")
        self.prefixLength = prefixLength
        network = IPv4Address(address.value & Self.mask(prefixLength))
    }

    /// Parses "10.121.3.0/24"; nil when malformed or when host bits are set (a likely typo).
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPv4Address(String(parts[0])),
            parts[1].allSatisfy(\.isASCII), let length = Int(parts[1]), (0...32).contains(length),
            address.value & ~Self.mask(length) == 0
        else { return nil }
        self.init(address, prefixLength: length)
    }

    static func mask(_ prefixLength: Int) -> UInt32 {
        prefixLength == 0 ? 0 : UInt32.max << UInt32(32 - prefixLength)
    }

    public var mask: UInt32 { Self.mask(prefixLength) }
    public var broadcast: IPv4Address { IPv4Address(network.value | ~mask) }
    /// The number of addresses, network and broadcast included.
    public var size: UInt64 { UInt64(1) << UInt64(32 - prefixLength) }

    public func contains(_ address: IPv4Address) -> Bool { address.value & mask == network.value }

    public func overlaps(_ other: IPv4Subnet) -> Bool {
        let shorter = min(prefixLength, other.prefixLength)
        let common = Self.mask(shorter)
        return network.value & common == other.network.value & common
    }

    /// The conventional gateway: the first host address (.1 of a /24).
    public var firstHost: IPv4Address { IPv4Address(network.value &+ 1) }

    /// Addresses a container may get: all but the network and broadcast addresses
    /// (for /31 and /32 there are none, which the allocator reports as exhaustion).
    public var hostRange: ClosedRange<UInt32>? {
        guard prefixLength <= 30 else { return nil }
        return (network.value + 1)...(broadcast.value - 1)
    }

    public var description: String { "\(network)/\(prefixLength)" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let subnet = IPv4Subnet(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an IPv4 subnet: \(text)")
        }
        self = subnet
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
