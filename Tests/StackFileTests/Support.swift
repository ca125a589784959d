import Foundation
import Testing

@testable import StackFile

/// A temporary project directory holding the given files; removed when the body returns.
func withProject<T>(_ files: [String: String], _ body: (String) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("stackfile-tests-\(UUID().uuidString)").appendingPathComponent("demo").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: PathResolution.directoryName(directory)) }
    for (name, text) in files {
        let path = directory + "/" + name
        try FileManager.default.createDirectory(
            atPath: PathResolution.directoryName(path), withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
    return try body(directory)
}

/// Loads `yaml` as `compose.yaml` of a fresh project directory named `demo`.
func load(
    _ yaml: String, extraFiles: [String: String] = [:], environment: [String: String] = [:],
    options: (inout LoadOptions) -> Void = { _ in }
) throws -> LoadResult {
    try withProject(extraFiles.merging(["compose.yaml": yaml]) { a, _ in a }) { directory in
        var loadOptions = LoadOptions(workingDirectory: directory, environment: environment)
        options(&loadOptions)
        return try StackLoader.load(loadOptions)
    }
}

/// Loads `yaml` and returns the errors it produces (empty when it loads).
func loadErrors(_ yaml: String, environment: [String: String] = [:]) throws -> [Diagnostic] {
    do {
        _ = try load(yaml, environment: environment)
        return []
    } catch let error as StackFileError {
        return error.errors
    }
}

/// Loads a one-service stack whose service body is `body` (indented under the service) and returns the service.
func service(_ body: String, environment: [String: String] = [:], extraFiles: [String: String] = [:]) throws -> Service
{
    let indented = body.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(
        separator: "\n")
    let yaml = "services:\n  app:\n    image: demo\n\(indented)\nvolumes:\n  data:\n"
    return try #require(try load(yaml, extraFiles: extraFiles, environment: environment).project.services["app"])
}
