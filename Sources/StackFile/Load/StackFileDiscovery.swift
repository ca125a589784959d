import Foundation

/// Which files make the project: the `-f` files in order, else the first of Compose's
/// default names in the working directory plus its `.override` companion.
enum StackFileDiscovery {
    struct File: Sendable {
        /// As the user wrote it (or the discovered file name): used in messages.
        var displayPath: String
        var absolutePath: String
    }

    static let defaultNames = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"]

    static func files(_ named: [String], in workingDirectory: String) throws(StackFileError) -> [File] {
        if !named.isEmpty {
            var missing: [Diagnostic] = []
            let files = named.map {
                File(displayPath: $0, absolutePath: PathResolution.absolute($0, base: workingDirectory, home: nil))
            }
            for file in files where !isFile(file.absolutePath) {
                missing.append(
                    .error(
                        "stack file \(file.displayPath) not found", at: nil,
                        hint: "check the -f path (relative paths start at \(workingDirectory))"))
            }
            if !missing.isEmpty { throw StackFileError(code: .notFound, diagnostics: missing) }
            return files
        }
        guard let base = defaultNames.first(where: { isFile(workingDirectory + "/" + $0) }) else {
            throw StackFileError(
                code: .notFound, "no stack file in \(workingDirectory)",
                hint: "name one with -f, or create compose.yaml there")
        }
        var files = [File(displayPath: base, absolutePath: workingDirectory + "/" + base)]
        let stem = base.hasPrefix("docker-") ? "docker-compose" : "compose"
        for override in ["\(stem).override.yaml", "\(stem).override.yml"]
        where isFile(workingDirectory + "/" + override) {
            files.append(File(displayPath: override, absolutePath: workingDirectory + "/" + override))
            break
        }
        return files
    }

    private static func isFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }
}
