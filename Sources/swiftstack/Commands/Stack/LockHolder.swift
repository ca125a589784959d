import Foundation

/// Says who holds a project's lock, for the line a waiting command prints.
enum LockHolder {
    /// `waiting for project P: pid N (swiftstack up -d) holds its lock`.
    static func waitingLine(project: String, holder: Int32?) -> String {
        guard let holder else { return "waiting for project \(project): another swiftstack holds its lock" }
        let cmdline = FileManager.default.contents(atPath: "/proc/\(holder)/cmdline").map {
            $0.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        }
        var command = ""
        if let words = cmdline, let program = words.first {
            command =
                " (" + ([URL(fileURLWithPath: program).lastPathComponent] + words.dropFirst()).joined(separator: " ")
                + ")"
        }
        return "waiting for project \(project): pid \(holder)\(command) holds its lock"
    }
}
