/// The labels that mark a container as part of a project, written with the container itself so
/// that ownership survives any crash of swiftstack (Compose's `com.docker.compose.*` labels).
public enum ProjectLabels {
    public static let project = "swiftstack.project"
    public static let service = "swiftstack.service"
    public static let index = "swiftstack.replica"
    public static let configHash = "swiftstack.config-hash"
    /// The normal form the container was created with (JSON), so later plans can say which
    /// field changed.
    public static let configFields = "swiftstack.config-fields"
    public static let imageID = "swiftstack.image-id"
    /// Set on a one-off container (`run SERVICE`): not a replica, so `up` neither counts nor
    /// removes it, restart policies skip it, and `down` removes it.
    public static let oneOff = "swiftstack.oneoff"

    /// Whether `labels` mark a one-off container.
    public static func isOneOff(_ labels: [String: String]) -> Bool { labels[oneOff] != nil }
}
