/// What `ipam.json` holds.
struct AllocatorState: Codable {
    struct Released: Codable, Equatable {
        var container: String
        var address: IPv4Address
    }

    struct Network: Codable {
        var lease: AddressAllocator.NetworkLease
        var addresses: [String: IPv4Address] = [:]
        /// Oldest release first.
        var released: [Released] = []

        mutating func assign(_ address: IPv4Address, to container: String) {
            released.removeAll { $0.address == address }
            addresses[container] = address
        }

        mutating func release(_ container: String) {
            guard let address = addresses.removeValue(forKey: container) else { return }
            released.removeAll { $0.container == container || $0.address == address }
            released.append(Released(container: container, address: address))
        }
    }

    var version = 1
    var networks: [String: Network] = [:]
}
