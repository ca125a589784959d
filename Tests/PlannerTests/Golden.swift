import Foundation
import Testing

/// Compares `text` with the golden file `Golden/<slug of name>.txt` beside this source file.
/// On a mismatch or a missing file it writes the actual text to `/tmp/swiftstack-golden/`
/// so it can be reviewed and, if right, copied over the golden file.
func expectGolden(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let slug = name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        .reduce(into: "") { out, c in if !(c == "-" && out.last == "-") { out.append(c) } }
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    let file = directory.appendingPathComponent("\(slug).txt")
    let expected = try? String(contentsOf: file, encoding: .utf8)
    if expected != text {
        let out = URL(fileURLWithPath: "/tmp/swiftstack-golden")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try text.write(to: out.appendingPathComponent("\(slug).txt"), atomically: true, encoding: .utf8)
    }
    #expect(expected != nil, "missing golden file \(file.path)", sourceLocation: sourceLocation)
    #expect(expected == text, "plan differs from \(file.lastPathComponent)", sourceLocation: sourceLocation)
}
