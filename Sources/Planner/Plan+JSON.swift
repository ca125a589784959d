import Foundation

extension Plan {
    /// The plan as JSON: `{project, waves: [[action]], warnings, unchanged}`, keys sorted.
    public var json: String {
        struct Document: Encodable {
            var project: String
            var waves: [[Action]]
            var warnings: [String]
            var unchanged: [String]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let document = Document(project: project, waves: waves, warnings: warnings, unchanged: unchanged.sorted())
        guard let data = try? encoder.encode(document) else { return "{}" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
