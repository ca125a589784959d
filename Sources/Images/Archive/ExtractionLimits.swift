/// Bounds and policies for extracting a layer, so a hostile or broken archive cannot fill the disk
/// or plant devices.
public struct ExtractionLimits: Sendable, Equatable {
    /// What to do with character and block device entries other than overlay whiteouts (char 0/0).
    public enum DeviceNodes: Sendable, Equatable {
        /// Refuse the archive, naming the entry.
        case refuse
        /// Leave the entry out. Root filesystem tarballs (mmdebstrap, `tar -C / --one-file-system`)
        /// carry `/dev` nodes that a container never sees, since the runtime mounts its own `/dev`.
        case skip
    }

    /// Maximum total uncompressed size of file contents, in bytes.
    public var maxUncompressedBytes: Int64
    /// Maximum number of entries.
    public var maxEntries: Int
    public var deviceNodes: DeviceNodes

    public init(maxUncompressedBytes: Int64 = 16 << 30, maxEntries: Int = 1_000_000, deviceNodes: DeviceNodes = .refuse)
    {
        self.maxUncompressedBytes = maxUncompressedBytes
        self.maxEntries = maxEntries
        self.deviceNodes = deviceNodes
    }

    /// 16 GiB of contents, one million entries, device nodes refused.
    public static let `default` = ExtractionLimits()
}
