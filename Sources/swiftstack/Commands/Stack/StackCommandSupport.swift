import ArgumentParser
import Foundation
import StackFile

/// Loading a project for any command that reads stack files, with Compose's conventions
/// for reporting: warnings and errors on stderr as `file:line:col: severity: message`,
/// exit status 2 for a stack file that does not load.
enum StackCommandSupport {
    static func load(_ options: StackOptions) throws -> LoadResult {
        let loadOptions = LoadOptions(
            files: options.files, projectName: options.projectName,
            workingDirectory: FileManager.default.currentDirectoryPath,
            environment: Environment.all, envFiles: options.envFiles,
            projectDirectory: options.projectDirectory)
        do {
            let result = try StackLoader.load(loadOptions)
            for warning in result.warnings { Console.error(warning.description) }
            return result
        } catch {
            for diagnostic in error.diagnostics { Console.error(diagnostic.description) }
            throw ExitCode(2)
        }
    }
}
