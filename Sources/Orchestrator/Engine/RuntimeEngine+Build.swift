import Builder
import Foundation
import StackFile

extension RuntimeEngine {
    /// Builds `build.context` with the embedded builder (Dockerfile relative to the context,
    /// as Compose has it) and tags the result `reference`.
    public func buildImage(_ reference: String, build: Build) throws {
        let dockerfile = build.dockerfile.hasPrefix("/") ? build.dockerfile : build.context + "/" + build.dockerfile
        let options = BuildOptions(
            contextDirectory: build.context, dockerfile: dockerfile, tags: [reference], target: build.target,
            buildArguments: build.args, labels: build.labels)
        do {
            _ = try ImageBuilder(stateRoot: stateRoot).buildSynchronously(options)
        } catch let error as BuilderError {
            let location = (error.file.map { "\($0):" } ?? "") + (error.line.map { "\($0): " } ?? "")
            throw OrchestratorError(.engine, "building \(reference): \(location)\(error.message)", hint: error.hint)
        }
    }
}
