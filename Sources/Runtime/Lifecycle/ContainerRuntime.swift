import Foundation
import Glibc

/// One host's containers under a state root: create, start, stop, kill, wait, delete, exec.
///
/// Whoever calls `start` becomes the container's parent ("owner") and must call `waitForExit`
/// with the pid it got: the CLI for a foreground `run`, the per-container monitor for `run -d`.
public struct ContainerRuntime: Sendable {
    /// The state root (`--root`, `$SWIFTSTACK_ROOT`, `/var/lib/swiftstack`).
    public let root: String

    public init(root: String) {
        self.root = root
    }

    var store: ContainerStore { ContainerStore(root: root) }

    /// The container with this name, id or unique id prefix.
    public func container(_ nameOrID: String) throws -> Container {
        try refreshed(store.load(store.resolve(nameOrID)))
    }

    /// All containers, oldest first. Finishes background removals that were interrupted.
    public func list() -> [Container] {
        sweepRemovals()
        return store.allIDs().compactMap { try? refreshed(store.load($0)) }.sorted {
            $0.state.createdAt < $1.state.createdAt
        }
    }

    /// Creates the container's directory, files and state; nothing runs yet. Validates what can
    /// be validated early (user, mount sources, capabilities) so `run` fails before starting.
    @discardableResult
    public func create(_ spec: ContainerSpec) throws -> Container {
        var spec = spec
        // `container:` joins the target's network AND UTS namespaces (Docker's behaviour): its
        // host name, /etc/hosts and /etc/resolv.conf are the target's.
        var sharedWith: Container?
        if case .container(let other) = spec.network {
            let target = try store.load(other)
            spec.hostname = target.spec.hostname
            sharedWith = target
        }
        guard !spec.command.isEmpty else {
            throw RuntimeError(
                .invalidArgument,
                "no command specified: the image has no CMD or ENTRYPOINT; give one after the image name")
        }
        guard !spec.lowerDirectories.isEmpty else {
            throw RuntimeError(.invalidArgument, "container \(spec.name) has no root filesystem layers")
        }
        for layer in spec.lowerDirectories where !isDirectory(layer) {
            throw RuntimeError(
                .notFound, "image layer directory \(layer) does not exist; re-import or re-pull the image")
        }
        guard spec.workingDirectory.hasPrefix("/") else {
            throw RuntimeError(
                .invalidArgument, "the working directory '\(spec.workingDirectory)' must be an absolute path")
        }
        _ = try UserDatabase(layers: spec.lowerDirectories).resolve(spec.user)
        _ = try Capabilities.mask(add: spec.capAdd, drop: spec.capDrop)
        for mount in spec.mounts {
            guard mount.target.hasPrefix("/"), !mount.target.split(separator: "/").contains("..") else {
                throw RuntimeError(
                    .invalidArgument, "mount target '\(mount.target)' must be an absolute path without '..'")
            }
            if mount.kind == .bind, !fileExists(mount.source) {
                throw RuntimeError(
                    .mountSourceMissing,
                    "bind mount source \(mount.source) does not exist on the host; create it first or fix the path")
            }
        }

        try store.reserve(name: spec.name, id: spec.id)
        let dir = store.directory(of: spec.id)
        do {
            try makeDirectories(store.containersDirectory, mode: 0o700)
            if mkdir(dir, 0o700) != 0 { throw systemError("mkdir", dir) }
            for sub in ["upper", "work", "rootfs"] {
                if mkdir(dir + "/" + sub, 0o755) != 0 { throw systemError("mkdir", dir + "/" + sub) }
            }
            try writeNetworkFiles(spec, in: dir, sharingWith: sharedWith)
            if open(dir + "/container.log", O_CREAT | O_WRONLY | O_CLOEXEC, 0o600).closingIfValid() < 0 {
                throw systemError("create", dir + "/container.log")
            }
            try store.save(spec, in: dir)
            let container = Container(spec: spec, state: ContainerState(), directory: dir)
            try store.save(container.state, of: container)
            return container
        } catch {
            try? FileManager.default.removeItem(atPath: dir)
            store.release(name: spec.name, id: spec.id)
            throw error
        }
    }

    /// The per-container /etc/hosts, /etc/hostname and /etc/resolv.conf (bind-mounted at start).
    /// A container joining another's namespaces (`sharingWith`) gets copies of its files.
    private func writeNetworkFiles(_ spec: ContainerSpec, in dir: String, sharingWith target: Container?) throws {
        var hosts = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
        if spec.network != .host { hosts += "127.0.1.1\t\(spec.hostname)\n" }
        for line in spec.extraHosts { hosts += line + "\n" }
        var resolv: String
        if spec.dnsServers.isEmpty {
            resolv = readSmallFile("/etc/resolv.conf") ?? ""
        } else {
            resolv = spec.dnsServers.map { "nameserver \($0)\n" }.joined()
        }
        if let target {
            hosts = readSmallFile(target.hostsPath) ?? hosts
            resolv = readSmallFile(target.resolvConfPath) ?? resolv
        }
        // Regenerable from the spec: atomic but not worth an fsync each.
        try AtomicFile.write(Data(hosts.utf8), to: dir + "/hosts", durable: false)
        try AtomicFile.write(Data((spec.hostname + "\n").utf8), to: dir + "/hostname", durable: false)
        try AtomicFile.write(Data(resolv.utf8), to: dir + "/resolv.conf", durable: false)
        for file in ["hosts", "hostname", "resolv.conf"] { chmod(dir + "/" + file, 0o644) }
    }

    /// Re-reads a container and settles a state the owner could not record (it crashed):
    /// a "running" container whose process and owner are both gone is recorded as exited.
    func refreshed(_ container: Container) throws -> Container {
        var container = container
        guard container.state.status == .running, !container.isRunning, !container.ownerAlive else { return container }
        let cgroup = Cgroup(id: container.id)
        container.state.status = .exited
        container.state.oomKilled = container.state.oomKilled || cgroup.oomKilled()
        container.state.finishedAt = container.state.finishedAt ?? Date()
        try? cgroup.remove()
        try? store.save(container.state, of: container)
        return container
    }
}

extension Int32 {
    /// Closes a freshly opened fd and returns it (or the error value).
    func closingIfValid() -> Int32 {
        if self >= 0 { close(self) }
        return self
    }
}
