/// A user resolved from an image's /etc/passwd and /etc/group.
public struct ResolvedUser: Sendable, Equatable {
    public var uid: UInt32
    public var gid: UInt32
    public var supplementaryGroups: [UInt32]
    public var home: String
}
