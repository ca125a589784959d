import ArgumentParser
import Foundation
import StackFile

extension StackOptions {
    /// Loads the stack file(s) these options name. Warnings go to stderr; errors are printed,
    /// all of them, and end the command with exit code 2.
    func load() throws -> LoadResult {
        let directory = projectDirectory ?? FileManager.default.currentDirectoryPath
        let options = LoadOptions(
            files: files, projectName: projectName, workingDirectory: directory,
            environment: Environment.all, envFiles: envFiles)
        do {
            let result = try StackLoader.load(options)
            for warning in result.warnings { Console.error("\(warning)") }
            return result
        } catch {
            for diagnostic in error.diagnostics { Console.error("\(diagnostic)") }
            throw ExitCode(2)
        }
    }
}
