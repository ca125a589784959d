import ArgumentParser
import Builder
import Foundation
import Glibc
import Synchronization

/// `swiftstack build [-t NAME:TAG]… [-f Dockerfile] [--target T] [--build-arg K=V]… [--no-cache]
/// [--progress auto|plain|tty] [-q] CONTEXT`: builds an image with the embedded builder and
/// prints its id. Progress goes to stderr, the id to stdout.
struct BuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build an image from a Dockerfile and print its id."
    )

    enum Progress: String, ExpressibleByArgument, CaseIterable {
        case auto, plain, tty
    }

    @OptionGroup var global: GlobalOptions

    @Option(name: [.short, .customLong("tag")], help: "Name the image NAME[:TAG] (repeatable).")
    var tags: [String] = []

    @Option(name: [.short, .customLong("file")], help: "The Dockerfile (default: CONTEXT/Dockerfile).")
    var file: String?

    @Option(help: "Build this stage (its AS name or index) instead of the last one.")
    var target: String?

    @Option(
        name: .customLong("build-arg"),
        help: "Set a build argument NAME=VALUE (repeatable); NAME alone takes it from the environment.")
    var buildArguments: [String] = []

    @Option(name: .customLong("label"), help: "Add a label KEY=VALUE to the image (repeatable).")
    var labels: [String] = []

    @Flag(name: .customLong("no-cache"), help: "Run every step instead of reusing cached results.")
    var noCache = false

    @Option(help: "Progress output: auto, plain or tty.")
    var progress: Progress = .auto

    @Flag(name: [.short, .customLong("quiet")], help: "Print only the image id.")
    var quiet = false

    @Argument(help: "The build context directory.")
    var context: String

    func run() async throws {
        var arguments: [String: String] = [:]
        for item in buildArguments {
            if let equals = item.firstIndex(of: "=") {
                arguments[String(item[..<equals])] = String(item[item.index(after: equals)...])
            } else if let value = ProcessInfo.processInfo.environment[item] {
                arguments[item] = value
            }
        }
        let options = BuildOptions(
            contextDirectory: context, dockerfile: file, tags: tags, target: target, buildArguments: arguments,
            noCache: noCache,
            labels: Dictionary(
                labels.map { item in
                    let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                    return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
                }, uniquingKeysWith: { _, last in last }))
        let printer = BuildProgressPrinter(
            style: quiet ? .quiet : (progress == .tty || (progress == .auto && isatty(2) == 1) ? .tty : .plain))
        let clock = ContinuousClock()
        let began = clock.now
        do {
            let result = try await ImageBuilder(stateRoot: global.stateRoot).build(options, progress: printer.handle)
            printer.finish(result, tags: tags, elapsed: clock.now - began)
            print(result.imageID)
        } catch let error as BuilderError {
            FileHandle.standardError.write(Data(Self.render(error).utf8))
            throw ExitCode(Self.isBadInput(error) ? 2 : 1)
        }
    }

    /// `swiftstack: error: Dockerfile:7: message` per problem, each hint on its own line.
    static func render(_ error: BuilderError) -> String {
        error.allDiagnostics.map { problem in
            let location = (problem.file.map { "\($0):" } ?? "") + (problem.line.map { "\($0): " } ?? "")
            let where_ = location.isEmpty ? "" : location + (problem.line == nil ? " " : "")
            var text = "swiftstack: error: \(where_)\(problem.message)\n"
            if let hint = problem.hint { text += "hint: \(hint)\n" }
            return text
        }.joined()
    }

    /// Problems with the Dockerfile, the ignore file or the arguments themselves exit 2; a
    /// build that started and failed exits 1.
    static func isBadInput(_ error: BuilderError) -> Bool {
        switch error.code {
        case .invalidDirective, .unknownInstruction, .invalidArguments, .invalidFlag, .unterminatedHeredoc,
            .noBuildStage, .substitution, .missingStage, .duplicateStage, .invalidIgnorePattern, .io:
            true
        case .sourceNotFound, .sourceExcluded, .unsafePath, .unknownUser, .unsupported, .runFailed, .engine:
            false
        }
    }
}
