import JSON

extension AllocatorState {
    /// `ipam.json` by hand (see `JSONValue`): every container start and removal reads and
    /// writes it. The same keys and values as the `Codable` form, which still reads it.
    func encodedJSON() -> [UInt8] {
        var networks: [String: JSONValue] = [:]
        for (name, network) in self.networks {
            networks[name] = .object([
                "lease": .object([
                    "subnet": .string(network.lease.subnet.description),
                    "gateway": .string(network.lease.gateway.description),
                ]),
                "addresses": .object(network.addresses.mapValues { .string($0.description) }),
                "released": .array(
                    network.released.map {
                        .object(["container": .string($0.container), "address": .string($0.address.description)])
                    }),
            ])
        }
        return JSONValue.object(["version": .integer(Int64(version)), "networks": .object(networks)])
            .serialized(escapingSlashes: false)
    }

    /// Reads what `encodedJSON` (or `JSONEncoder`) writes; throws for anything else.
    init(json bytes: [UInt8]) throws(JSONError) {
        let object = try JSONObject(parsing: bytes)
        self.init()
        version = try object.required(object.int("version"), "version")
        for (name, value) in try object.required(object.object("networks"), "networks").members {
            let network = try JSONObject(value)
            let lease = try network.required(network.object("lease"), "lease")
            guard let subnet = IPv4Subnet(try lease.required(lease.string("subnet"), "subnet")),
                let gateway = IPv4Address(try lease.required(lease.string("gateway"), "gateway"))
            else { throw JSONError("invalid lease of network \(name)") }
            var entry = Network(lease: AddressAllocator.NetworkLease(subnet: subnet, gateway: gateway))
            for (container, text) in try network.stringDictionary("addresses") ?? [:] {
                guard let address = IPv4Address(text) else { throw JSONError("invalid address \(text)") }
                entry.addresses[container] = address
            }
            for released in try network.objects("released") ?? [] {
                guard let address = IPv4Address(try released.required(released.string("address"), "address"))
                else { throw JSONError("invalid released address") }
                entry.released.append(
                    Released(
                        container: try released.required(released.string("container"), "container"), address: address))
            }
            networks[name] = entry
        }
    }
}
