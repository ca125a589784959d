extension ContainerRuntime {
    /// Applies new cgroup limits to a running container (`docker update`): the limits a stack
    /// file can change without replacing the container.
    public func update(_ nameOrID: String, limits: ResourceLimits) throws {
        let container = try container(nameOrID)
        guard container.isRunning else {
            throw RuntimeError(
                .invalidState, "container \(container.name) is not running; its limits apply when it starts")
        }
        try Cgroup(id: container.id).create(limits)
    }
}
