// swift-tools-version: 6.1
// swiftstack: a daemonless, declarative multi-container orchestrator for Linux.
// Target graph and allowed imports: docs/ARCHITECTURE.md (checked by ArchitectureTests).
import PackageDescription

let package = Package(
    name: "swiftstack",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "swiftstack", targets: ["swiftstack"])
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // C: the cloned child and the syscall wrappers Glibc hides. libc only.
        .target(name: "CShim"),
        // System libraries.
        .systemLibrary(name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // JSON parsed and written by hand for the hot per-command files (no Codable first-use cost).
        .target(name: "JSON"),
        // SHA-256 over OpenSSL's libcrypto, shared by the planner (config hashes) and the image store.
        .target(name: "Digest", dependencies: ["CCrypto"]),
        // Compose-spec stack files: loading with source locations, interpolation, merging, validation.
        .target(name: "StackFile", dependencies: ["JSON", .product(name: "Yams", package: "Yams")]),
        // Pure planning: desired state, canonical config hashes, diff into an explained plan.
        .target(name: "Planner", dependencies: ["StackFile", "Digest"]),
        // Dockerfiles: parser (own AST with lines), substitution, ARG/ENV scoping, stage graph, .dockerignore.
        .target(name: "Builder", dependencies: ["Images", "Runtime", "Digest"]),
        // Content-addressed image store and safe layer extraction.
        .target(name: "Images", dependencies: ["CArchive", "Digest", "CShim", "JSON"]),
        // One host's containers: namespaces, overlayfs, pivot_root, cgroups, capabilities, lifecycle.
        .target(name: "Runtime", dependencies: ["CShim", "JSON"]),
        // Container networking: rtnetlink client (bridges, veths, addresses, routes), IPAM, DNS.
        .target(
            name: "Network",
            dependencies: [
                "CShim", "JSON",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Observe, apply, supervise: joins the stack file, the planner and the engines.
        .target(
            name: "Orchestrator", dependencies: ["StackFile", "Planner", "Images", "Builder", "Runtime", "Network"]),
        // The CLI.
        .executableTarget(
            name: "swiftstack",
            dependencies: [
                "StackFile", "Planner", "Images", "Runtime", "Orchestrator", "Builder",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // Release: one static executable (glibc, libstdc++, libcrypto, libarchive and the
            // compressors libarchive reads with, linked in). Every command is a fresh process and
            // some commands are several (`run -d` starts a monitor): dynamically linked, the
            // loader spent ~3 ms of each start mapping 17 libraries and binding their symbols
            // (`--version` 3.7 → 0.7 ms CPU). Nothing here needs NSS or dlopen: users and groups
            // come from the image's own /etc/passwd and /etc/group.
            linkerSettings: [
                .unsafeFlags(
                    [
                        "-static-executable", "-Xlinker", "--no-export-dynamic",
                        "-Xlinker", "-lz", "-Xlinker", "-lbz2", "-Xlinker", "-llzma",
                        "-Xlinker", "-lzstd", "-Xlinker", "-llz4",
                    ], .when(configuration: .release))
            ]
        ),

        // Benchmarks that time library code in-process (`make bench`).
        .executableTarget(
            name: "swiftstack-bench", dependencies: ["StackFile", "Planner"], path: "bench/Sources/swiftstack-bench"),

        .testTarget(name: "StackFileTests", dependencies: ["StackFile"], resources: [.copy("Fixtures")]),
        .testTarget(name: "BuilderTests", dependencies: ["Builder", "Images", "Runtime"], exclude: ["Fixtures"]),
        .testTarget(name: "PlannerTests", dependencies: ["Planner", "StackFile"], exclude: ["Golden"]),
        .testTarget(name: "ImagesTests", dependencies: ["Images", "CArchive", "Digest"]),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "Images", "JSON"]),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "NetworkTests", dependencies: ["Network", "JSON"]),
        .testTarget(
            name: "OrchestratorTests", dependencies: ["Orchestrator", "Planner", "StackFile", "Runtime", "Network"]),
        .testTarget(name: "ArchitectureTests"),
        .testTarget(name: "EndToEndTests", dependencies: ["swiftstack", "StackFile", "Planner", "Network"]),
    ],
    swiftLanguageModes: [.v6]
)
