import Foundation
import Runtime

/// Parsing helpers shared by run and exec.
enum ContainerOptionParsing {
    /// `KEY=VALUE` lines of an env file; `#` comments and blank lines skipped; `KEY` alone takes
    /// the value from our environment.
    static func readEnvFile(_ path: String) throws -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw RuntimeError(.notFound, "cannot read env file \(path)")
        }
        return text.split(separator: "\n").compactMap { raw in
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { return nil }
            return expand(line)
        }
    }

    /// `-e KEY` (no '=') passes our own value, as Docker does.
    static func expand(_ entry: String) -> String? {
        if entry.contains("=") { return entry }
        guard let value = Environment.value(entry) else { return nil }
        return entry + "=" + value
    }
}
