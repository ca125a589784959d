import Foundation
import Glibc

/// The cgroup(s) of one container: `<mount>/swiftstack/<id>` in each v1 controller this runtime
/// uses (memory, cpu, pids), or one directory in the v2 unified tree.
struct Cgroup {
    enum Version { case v1, v2 }

    static let fsRoot = "/sys/fs/cgroup"
    static let v1Controllers = ["memory", "cpu", "pids"]

    let version: Version
    let id: String

    init(id: String) {
        self.init(id: id, version: fileExists(Cgroup.fsRoot + "/cgroup.controllers") ? .v2 : .v1)
    }

    init(id: String, version: Version) {
        self.id = id
        self.version = version
    }

    /// One limit file and the value written to it; a setting that is not `required` is best
    /// effort (the kernel may lack it: no swap accounting).
    struct Setting: Equatable {
        let file: String
        let value: String
        let required: Bool
    }

    /// The v2 files and values for `limits` (pure, so that this v1 host's tests check them).
    func v2Settings(_ limits: ResourceLimits) -> [Setting] {
        let dir = "\(Cgroup.fsRoot)/swiftstack/\(id)"
        var settings: [Setting] = []
        if let memory = limits.memoryBytes {
            settings.append(Setting(file: dir + "/memory.max", value: String(memory), required: true))
            settings.append(Setting(file: dir + "/memory.swap.max", value: "0", required: false))
        }
        if let cpus = limits.cpus {
            let (quota, period) = Cgroup.cpuQuota(cpus)
            settings.append(Setting(file: dir + "/cpu.max", value: "\(quota) \(period)", required: true))
        }
        if let pids = limits.pids {
            settings.append(Setting(file: dir + "/pids.max", value: pids > 0 ? String(pids) : "max", required: true))
        }
        return settings
    }

    /// CFS quota and period (µs) for a CPU fraction: a 100 ms period, at least 1 ms of quota.
    static func cpuQuota(_ cpus: Double) -> (quota: Int, period: Int) {
        let period = 100_000
        return (max(1000, Int(cpus * Double(period))), period)
    }

    /// Every directory of this container's cgroup.
    var directories: [String] {
        switch version {
        case .v2: return ["\(Cgroup.fsRoot)/swiftstack/\(id)"]
        case .v1: return Cgroup.v1Controllers.map { "\(Cgroup.fsRoot)/\($0)/swiftstack/\(id)" }
        }
    }

    private func directory(_ controller: String) -> String {
        version == .v2 ? "\(Cgroup.fsRoot)/swiftstack/\(id)" : "\(Cgroup.fsRoot)/\(controller)/swiftstack/\(id)"
    }

    /// Creates the cgroup and writes the limits.
    func create(_ limits: ResourceLimits) throws {
        if version == .v2 {
            // Controllers must be enabled top-down before a child can use them.
            try? writeKernelFile(Cgroup.fsRoot + "/cgroup.subtree_control", "+memory +cpu +pids")
            try makeDirectories(Cgroup.fsRoot + "/swiftstack")
            try? writeKernelFile(Cgroup.fsRoot + "/swiftstack/cgroup.subtree_control", "+memory +cpu +pids")
        }
        for dir in directories {
            do { try makeDirectories(dir) } catch {
                throw RuntimeError(
                    .cgroup, "cannot create cgroup \(dir): \(error); is the cgroup filesystem mounted read-write?")
            }
        }
        do {
            if version == .v2 {
                for setting in v2Settings(limits) {
                    if setting.required {
                        try writeKernelFile(setting.file, setting.value)
                    } else {
                        try? writeKernelFile(setting.file, setting.value)
                    }
                }
                return
            }
            if let memory = limits.memoryBytes {
                // memsw (memory+swap) must stay >= the memory limit: raise it first when the
                // limit grows, lower it last when it shrinks. Without it the kernel swaps
                // instead of enforcing the limit.
                let memsw = directory("memory") + "/memory.memsw.limit_in_bytes"
                let current = readSmallFile(memsw).flatMap {
                    Int64($0.trimmingCharacters(in: .whitespacesAndNewlines))
                }
                if let current, current < memory { try? writeKernelFile(memsw, String(memory)) }
                try writeKernelFile(directory("memory") + "/memory.limit_in_bytes", String(memory))
                try? writeKernelFile(memsw, String(memory))
            }
            if let cpus = limits.cpus {
                let (quota, period) = Cgroup.cpuQuota(cpus)
                try writeKernelFile(directory("cpu") + "/cpu.cfs_period_us", String(period))
                try writeKernelFile(directory("cpu") + "/cpu.cfs_quota_us", String(quota))
            }
            if let pids = limits.pids {
                try writeKernelFile(directory("pids") + "/pids.max", pids > 0 ? String(pids) : "max")
            }
        } catch let error as RuntimeError {
            throw RuntimeError(.cgroup, "cannot set limits in cgroup \(directory("memory")): \(error.message)")
        }
    }

    /// The files a single-threaded child writes "0" to in order to join the cgroup itself: v1
    /// `tasks` (moving just the calling thread avoids the global threadgroup lock), v2 `cgroup.procs`.
    var selfJoinFiles: [String] {
        version == .v2 ? directories.map { $0 + "/cgroup.procs" } : directories.map { $0 + "/tasks" }
    }

    /// Whether the kernel's OOM killer killed a process of this cgroup.
    func oomKilled() -> Bool {
        let file = version == .v2 ? "/memory.events" : "/memory.oom_control"
        guard let text = readSmallFile(directory("memory") + file) else { return false }
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, parts[0] == "oom_kill", let n = Int(parts[1]), n > 0 { return true }
        }
        return false
    }

    /// Pids still in the cgroup.
    func processes() -> [Int32] {
        var pids = Set<Int32>()
        for dir in directories {
            guard let text = readSmallFile(dir + "/cgroup.procs") else { continue }
            for line in text.split(separator: "\n") { if let pid = Int32(line) { pids.insert(pid) } }
        }
        return pids.sorted()
    }

    var exists: Bool { directories.contains { fileExists($0) } }

    /// Kills whatever is left and removes the directories.
    func remove() throws {
        for attempt in 0..<100 {
            let left = processes()
            for pid in left { kill(pid, SIGKILL) }
            var busy = false
            for dir in directories where fileExists(dir) {
                if rmdir(dir) != 0 && errno != ENOENT {
                    if errno == EBUSY { busy = true } else { throw systemError("rmdir cgroup", dir) }
                }
            }
            if !busy { return }
            if attempt == 99 {
                throw RuntimeError(.cgroup, "cgroup \(directories[0]) stays busy: processes \(left) did not exit")
            }
            usleep(10_000)
        }
    }
}
