/// Takes replicas out of a service's rotation (DNS answers, published-port backends) before a
/// rolling update stops them, so no client is sent to a replica that is going away.
public protocol ReplicaDrain: Sendable {
    /// Takes `names` out of rotation; returns once clients are no longer sent to them.
    func drain(_ names: [String])
    /// Forgets `names` once they are removed (a stop-first replacement reuses the name).
    func release(_ names: [String])
}

/// No rotation to leave (tests, and projects without a supervisor).
public struct NoReplicaDrain: ReplicaDrain {
    public init() {}
    public func drain(_ names: [String]) {}
    public func release(_ names: [String]) {}
}
