import Synchronization

/// The names the embedded DNS server answers, shared between the code that starts and stops
/// containers (writers) and the server (reader). Updates are visible to the next query.
///
/// Names are stored lowercased without a trailing dot. A name may carry several addresses
/// (the replicas of a service); answers rotate through them.
public final class DNSRecords: Sendable {
    private struct State {
        var names: [String: [IPv4Address]] = [:]
        var rotation: UInt = 0
        var domains: Set<String> = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Replaces the addresses of `name` (an empty list removes it).
    public func set(_ name: String, to addresses: [IPv4Address]) {
        let key = Self.normalise(name)
        state.withLock { $0.names[key] = addresses.isEmpty ? nil : addresses }
    }

    /// Adds one address to `name` (a replica starting).
    public func add(_ address: IPv4Address, for name: String) {
        let key = Self.normalise(name)
        state.withLock { state in
            if state.names[key]?.contains(address) != true { state.names[key, default: []].append(address) }
        }
    }

    /// Removes one address from `name` (a replica stopping); the name goes when none is left.
    public func remove(_ address: IPv4Address, for name: String) {
        let key = Self.normalise(name)
        state.withLock { state in
            state.names[key]?.removeAll { $0 == address }
            if state.names[key]?.isEmpty == true { state.names[key] = nil }
        }
    }

    /// The addresses of `name`, rotated by one on each call so that clients taking the first
    /// answer spread over the replicas; nil when the name is unknown.
    public func lookup(_ name: String) -> [IPv4Address]? {
        let key = Self.normalise(name)
        return state.withLock { state in
            guard let addresses = state.names[key] else { return nil }
            state.rotation &+= 1
            let shift = Int(state.rotation % UInt(addresses.count))
            return Array(addresses[shift...] + addresses[..<shift])
        }
    }

    /// Further domains answered beside the responder's own (the projects of the stacks whose
    /// containers share a network made by `network create`): `web.PROJECT` is `web`.
    public func setDomains(_ domains: Set<String>) {
        let normalised = Set(domains.map(Self.normalise))
        state.withLock { $0.domains = normalised }
    }

    /// The further domain `name` ends in, if any.
    func domain(of name: String) -> String? {
        state.withLock { state in state.domains.first { name.hasSuffix("." + $0) } }
    }

    /// Whether `name` is known, without rotating its answers.
    public func contains(_ name: String) -> Bool {
        let key = Self.normalise(name)
        return state.withLock { $0.names[key] != nil }
    }

    static func normalise(_ name: String) -> String {
        var key = name.lowercased()
        if key.hasSuffix(".") { key.removeLast() }
        return key
    }
}
