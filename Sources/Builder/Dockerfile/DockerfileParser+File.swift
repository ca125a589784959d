import Foundation

extension DockerfileParser {
    /// Reads and parses the Dockerfile at `path`; errors name it as `displayName` (default: the path).
    public static func parse(contentsOfFile path: String, displayName: String? = nil) throws -> Dockerfile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw BuilderError(
                .io, "cannot read the Dockerfile: \(error.localizedDescription)", file: displayName ?? path,
                hint: "check the path given with -f")
        }
        return try parse(text, file: displayName ?? path)
    }
}
