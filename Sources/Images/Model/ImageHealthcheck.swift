/// An image's default healthcheck, as in the OCI/Docker config's `Healthcheck` object.
///
/// Durations are nanoseconds, as Docker stores them.
public struct ImageHealthcheck: Sendable, Equatable, Codable {
    /// `["NONE"]`, `["CMD", arg...]` or `["CMD-SHELL", command]`.
    public var test: [String]
    public var interval: Int64?
    public var timeout: Int64?
    public var startPeriod: Int64?
    public var startInterval: Int64?
    public var retries: Int?

    public init(
        test: [String], interval: Int64? = nil, timeout: Int64? = nil, startPeriod: Int64? = nil,
        startInterval: Int64? = nil, retries: Int? = nil
    ) {
        self.test = test
        self.interval = interval
        self.timeout = timeout
        self.startPeriod = startPeriod
        self.startInterval = startInterval
        self.retries = retries
    }

    enum CodingKeys: String, CodingKey {
        case test = "Test"
        case interval = "Interval"
        case timeout = "Timeout"
        case startPeriod = "StartPeriod"
        case startInterval = "StartInterval"
        case retries = "Retries"
    }
}
