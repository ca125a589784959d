import Runtime

extension GlobalOptions {
    /// The container runtime over the state root.
    var containerRuntime: ContainerRuntime { ContainerRuntime(root: stateRoot) }
}
