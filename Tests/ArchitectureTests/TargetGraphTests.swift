import Foundation
import Testing

/// The target graph follows docs/ARCHITECTURE.md: dependencies go one way, and the parsing
/// and planning targets stay pure (no Glibc, no C shim).
@Suite struct TargetGraphTests {
    /// Every target's allowed direct dependencies (targets and package products).
    /// A new target must be added here, and to docs/ARCHITECTURE.md, on purpose.
    static let allowed: [String: Set<String>] = [
        "CShim": [],
        "CArchive": [],
        "CCrypto": [],
        "JSON": [],
        "Digest": ["CCrypto"],
        "StackFile": ["JSON", "Yams"],
        "Planner": ["StackFile", "Digest"],
        "Images": ["CArchive", "Digest", "CShim", "JSON"],
        "Runtime": ["CShim", "JSON"],
        "Network": ["CShim", "JSON", "NIOCore", "NIOPosix"],
        "Builder": ["Images", "Runtime", "Digest"],
        "Orchestrator": ["StackFile", "Planner", "Images", "Builder", "Runtime", "Network", "Digest", "Logging"],
        "swiftstack-bench": ["StackFile", "Planner"],
        "swiftstack": [
            "StackFile", "Planner", "Images", "Builder", "Runtime", "Network", "Orchestrator", "Digest",
            "ArgumentParser", "Logging",
        ],
    ]

    /// Targets that parse or plan: they must never reach the kernel.
    static let pure: [String] = ["StackFile", "Planner", "JSON"]

    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Description: Decodable {
        struct Target: Decodable {
            var name: String
            var type: String
            var target_dependencies: [String]?
            var product_dependencies: [String]?
        }
        var targets: [Target]
    }

    static func describePackage() throws -> Description {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // --ignore-lock: `swift test` holds the build directory's lock while tests run.
        process.arguments = ["swift", "package", "--ignore-lock", "describe", "--type", "json"]
        process.currentDirectoryURL = repositoryRoot
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try JSONDecoder().decode(Description.self, from: data)
    }

    @Test func dependenciesFollowTheArchitecture() throws {
        let description = try Self.describePackage()
        let sources = description.targets.filter { $0.type != "test" }
        #expect(!sources.isEmpty)
        for target in sources {
            let allowed = try #require(
                Self.allowed[target.name], "target \(target.name) is not in the architecture table")
            let actual = Set((target.target_dependencies ?? []) + (target.product_dependencies ?? []))
            let forbidden = actual.subtracting(allowed)
            #expect(forbidden.isEmpty, "\(target.name) must not depend on \(forbidden.sorted())")
        }
    }

    @Test(arguments: pure)
    func pureTargetsDoNotTouchTheKernel(_ target: String) throws {
        let directory = Self.repositoryRoot.appendingPathComponent("Sources/\(target)")
        let files = try #require(FileManager.default.enumerator(atPath: directory.path))
            .compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        #expect(!files.isEmpty)
        for file in files {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") where line.hasPrefix("import ") {
                let module = line.dropFirst("import ".count).trimmingCharacters(in: .whitespaces)
                #expect(
                    !["Glibc", "Musl", "CShim", "Darwin", "SystemPackage"].contains(module),
                    "\(target)/\(file) imports \(module)")
            }
        }
    }

    /// C lives only in CShim (and the system-library shims' headers).
    @Test func cOnlyInTheShim() throws {
        let sources = Self.repositoryRoot.appendingPathComponent("Sources")
        let files = try #require(FileManager.default.enumerator(atPath: sources.path)).compactMap { $0 as? String }
        let cFiles = files.filter { $0.hasSuffix(".c") || $0.hasSuffix(".cpp") || $0.hasSuffix(".m") }
        #expect(!cFiles.isEmpty)
        for file in cFiles { #expect(file.hasPrefix("CShim/"), "C source outside CShim: \(file)") }
    }
}
