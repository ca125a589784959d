import Testing

@testable import Runtime

/// The cgroup v2 paths and values are computed without the kernel, so they are checked here even
/// on this cgroup-v1 host (where the v2 code path cannot run).
@Suite struct CgroupV2Tests {
    let id = "0123456789abcdef"

    @Test func limitsBecomeV2FilesAndValues() {
        let cgroup = Cgroup(id: id, version: .v2)
        let dir = "/sys/fs/cgroup/swiftstack/\(id)"
        let settings = cgroup.v2Settings(ResourceLimits(memoryBytes: 64 << 20, cpus: 0.5, pids: 100))
        #expect(
            settings == [
                .init(file: dir + "/memory.max", value: "67108864", required: true),
                .init(file: dir + "/memory.swap.max", value: "0", required: false),
                .init(file: dir + "/cpu.max", value: "50000 100000", required: true),
                .init(file: dir + "/pids.max", value: "100", required: true),
            ])
        #expect(cgroup.v2Settings(ResourceLimits()).isEmpty)
        // A pids limit of 0 or less is Docker's "unlimited"; a tiny CPU share keeps 1 ms of quota.
        #expect(
            cgroup.v2Settings(ResourceLimits(pids: 0)) == [.init(file: dir + "/pids.max", value: "max", required: true)]
        )
        #expect(cgroup.v2Settings(ResourceLimits(cpus: 0.001)).map(\.value) == ["1000 100000"])
    }

    @Test func oneUnifiedDirectoryJoinedThroughCgroupProcs() {
        let v2 = Cgroup(id: id, version: .v2)
        #expect(v2.directories == ["/sys/fs/cgroup/swiftstack/\(id)"])
        #expect(v2.selfJoinFiles == ["/sys/fs/cgroup/swiftstack/\(id)/cgroup.procs"])
        let v1 = Cgroup(id: id, version: .v1)
        #expect(v1.directories == ["memory", "cpu", "pids"].map { "/sys/fs/cgroup/\($0)/swiftstack/\(id)" })
        #expect(v1.selfJoinFiles == v1.directories.map { $0 + "/tasks" })
    }
}
