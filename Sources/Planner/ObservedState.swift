/// What runs: read from the state store and the kernel by the observer, or given as data in tests.
public struct ObservedState: Sendable, Equatable, Codable {
    public var containers: [ObservedContainer]
    public var networks: [ObservedResource]
    public var volumes: [ObservedResource]
    /// Images present locally: reference → image id.
    public var images: [String: String]

    public init(
        containers: [ObservedContainer] = [], networks: [ObservedResource] = [],
        volumes: [ObservedResource] = [], images: [String: String] = [:]
    ) {
        self.containers = containers
        self.networks = networks
        self.volumes = volumes
        self.images = images
    }

    public static let empty = ObservedState()
}

/// A container of the project as it is now.
public struct ObservedContainer: Sendable, Equatable, Codable {
    public enum Status: Sendable, Equatable, Codable {
        case created
        case running
        /// `code` is nil when the exit was not seen (the owner died): unknown, never invented.
        case exited(code: Int?)
        /// Recorded as running, but its process is gone or is not ours any more.
        case dead
    }

    public var name: String
    public var service: String
    public var index: Int
    public var configHash: String
    /// The normal form it was created with, so changes can be explained field by field.
    public var fields: [ConfigField]
    public var imageID: String?
    public var status: Status

    public init(
        name: String, service: String, index: Int, configHash: String, fields: [ConfigField] = [],
        imageID: String? = nil, status: Status = .running
    ) {
        self.name = name
        self.service = service
        self.index = index
        self.configHash = configHash
        self.fields = fields
        self.imageID = imageID
        self.status = status
    }
}

/// A network or volume of the project as it is now.
public struct ObservedResource: Sendable, Equatable, Codable {
    public var name: String
    public var configHash: String
    public var fields: [ConfigField]
    /// Recorded, but what it stands for is gone: a network's bridge deleted from the kernel or
    /// a volume's directory removed behind our back. Planned as missing (made again).
    public var isMissing: Bool

    public init(name: String, configHash: String, fields: [ConfigField] = [], isMissing: Bool = false) {
        self.name = name
        self.configHash = configHash
        self.fields = fields
        self.isMissing = isMissing
    }

    private enum CodingKeys: String, CodingKey { case name, configHash, fields, isMissing }

    /// Reads `isMissing` as false when absent (observed states written before it existed).
    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        name = try values.decode(String.self, forKey: .name)
        configHash = try values.decode(String.self, forKey: .configHash)
        fields = try values.decodeIfPresent([ConfigField].self, forKey: .fields) ?? []
        isMissing = try values.decodeIfPresent(Bool.self, forKey: .isMissing) ?? false
    }
}
