import Glibc
import Runtime

/// What a build killed midway leaves behind, removed by the next build: staging trees under
/// `<stateRoot>/builder/tmp/<pid>` of processes that are gone, and exited RUN containers
/// (labelled `swiftstack.build`). A running build's own leftovers are never touched: its
/// process is alive and its containers are created or running.
enum BuildLeftovers {
    /// The label every RUN container carries.
    static let containerLabel = "swiftstack.build"

    static func sweep(stateRoot: String, runtime: ContainerRuntime) {
        let temporary = stateRoot + "/builder/tmp"
        for name in LayeredTree.names(in: temporary) {
            guard let pid = Int32(name), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            FileOperations.removeTree(temporary + "/" + name)
        }
        for container in runtime.list()
        where container.spec.labels[containerLabel] != nil && container.state.status == .exited {
            try? runtime.delete(container.id, force: true)
        }
    }
}
