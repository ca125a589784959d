import ArgumentParser
import Foundation
import StackFile

extension StackOptions {
    /// Loads the stack file(s) these options name, with Compose's conventions for reporting:
    /// warnings on stderr as `file:line:col: warning: …`; every error likewise, then exit 2.
    func load() throws -> LoadResult {
        let options = LoadOptions(
            files: files, projectName: projectName, workingDirectory: FileManager.default.currentDirectoryPath,
            environment: Environment.all, envFiles: envFiles, projectDirectory: projectDirectory)
        do {
            let result = try StackLoader.load(options)
            for warning in result.warnings { Console.error(warning.description) }
            return result
        } catch {
            for diagnostic in error.diagnostics { Console.error(diagnostic.description) }
            throw ExitCode(2)
        }
    }
}
