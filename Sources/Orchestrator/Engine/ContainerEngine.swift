import Planner
import StackFile

/// What the orchestrator needs from the machine: containers, images, volumes and networks.
///
/// The contract is separate from its kernel-backed implementation (`RuntimeEngine`) so that
/// the observer and the executor are tested without root against a double.
public protocol ContainerEngine: Sendable {
    /// The project's containers, as they are now.
    func containers(project: String) throws -> [EngineContainer]
    /// The id of a local image, nil when it is not present.
    func imageID(_ reference: String) -> String?
    /// Builds a service's `build:` section and tags the result `reference`.
    func buildImage(_ reference: String, build: Build) throws
    /// Creates (does not start) a container for `request`.
    func create(_ request: ContainerRequest) throws
    /// Starts a created or exited container; returns once its command runs.
    func start(_ name: String) throws
    /// Stops (signal, grace period, SIGKILL) a running container.
    func stop(_ name: String, timeoutSeconds: Int) throws
    /// Stops if needed and deletes a container with everything it owns.
    func remove(_ name: String, timeoutSeconds: Int) throws
    /// Applies in-place changes (cgroup limits) to a running container.
    func update(_ name: String, limits: ResourceLimits) throws
    /// Runs `command` inside a running container and returns its exit code (healthchecks).
    func check(_ name: String, command: [String], timeoutSeconds: Double) -> Int32

    func volumes(project: String) throws -> [ObservedResource]
    func createVolume(_ name: String, project: String, fields: [ConfigField], configHash: String) throws
    func removeVolume(_ name: String) throws

    /// Removes what an interrupted command left behind (pinned namespaces, stale addresses).
    func collectLeftovers(project: String) throws

    func networks(project: String) throws -> [ObservedResource]
    func createNetwork(_ name: String, project: String, fields: [ConfigField], configHash: String) throws
    func removeNetwork(_ name: String) throws
}

/// One container as the engine sees it.
public struct EngineContainer: Sendable, Equatable {
    public var name: String
    public var labels: [String: String]
    public var status: ObservedContainer.Status

    public init(name: String, labels: [String: String], status: ObservedContainer.Status) {
        self.name = name
        self.labels = labels
        self.status = status
    }
}

/// Everything needed to create one container of a service.
public struct ContainerRequest: Sendable {
    public var project: Project
    public var service: Service
    public var desired: DesiredContainer
    /// Name of the container whose network namespace this one joins, if any.
    public var namespaceOf: String?
    /// Whether the container gets a pseudo-terminal (a one-off `run` on a terminal).
    public var tty = false

    public init(project: Project, service: Service, desired: DesiredContainer, namespaceOf: String?) {
        self.project = project
        self.service = service
        self.desired = desired
        self.namespaceOf = namespaceOf
    }
}
