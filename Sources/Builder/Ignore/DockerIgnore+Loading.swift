import Foundation

/// Finding and reading the ignore file for a build.
extension DockerIgnore {
    /// The ignore file Docker uses: `NAME.dockerignore` beside a Dockerfile named NAME takes
    /// precedence over `.dockerignore` at the context root. Nil when neither exists.
    public static func locate(contextDirectory: String, dockerfilePath: String) -> String? {
        let fileManager = FileManager.default
        let specific = dockerfilePath + ".dockerignore"
        if fileManager.fileExists(atPath: specific) { return specific }
        let general = (contextDirectory as NSString).appendingPathComponent(".dockerignore")
        return fileManager.fileExists(atPath: general) ? general : nil
    }

    /// Loads the ignore file for a build (see `locate`); no file means nothing is ignored.
    /// - Returns: the matcher and the file it came from.
    public static func load(contextDirectory: String, dockerfilePath: String) throws -> (DockerIgnore, file: String?) {
        guard let file = locate(contextDirectory: contextDirectory, dockerfilePath: dockerfilePath) else {
            return (try DockerIgnore(patterns: []), nil)
        }
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw BuilderError(.io, "cannot read \(file): \(error.localizedDescription)", file: file)
        }
        do {
            return (try DockerIgnore(contents: text), file)
        } catch var problem as BuilderError {
            problem.file = file
            throw problem
        }
    }
}
