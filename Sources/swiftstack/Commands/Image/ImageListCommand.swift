import ArgumentParser
import Builder
import Foundation
import Images

/// `swiftstack image ls`: one row per tag (and per untagged image), newest first, as `docker image ls`.
struct ImageListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List images.",
        aliases: ["list"]
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    @OptionGroup var global: GlobalOptions

    @Option(help: "Output format: table, or json (one object per line).")
    var format: Format = .table

    @Flag(name: .shortAndLong, help: "Only show image ids.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Show all images, including the build's untagged intermediate step images.")
    var all = false

    func run() throws {
        let store = try global.openImageStore()
        let images = try ImageCommandErrors.reporting { () throws(ImageError) in try store.summaries() }
        let now = Int(Date().timeIntervalSince1970)
        let steps = all ? [] : BuildCacheContents.stepImageIDs(stateRoot: global.stateRoot)
        var rows = [Row]()
        for image in images where !(image.references.isEmpty && steps.contains(image.id)) {
            let references = image.references.isEmpty ? [nil] : image.references.map { Optional($0) }
            for reference in references {
                rows.append(Row(image: image, reference: reference, now: now))
            }
        }
        if quiet {
            var seen = Set<String>()
            for row in rows where seen.insert(row.image.id).inserted { print(row.image.shortID) }
            return
        }
        switch format {
        case .table:
            print(
                TextTable.render(
                    header: ["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"],
                    rows: rows.map { [$0.repository, $0.tag, $0.image.shortID, $0.createdSince, $0.size] }),
                terminator: "")
        case .json:
            for row in rows { print(row.json) }
        }
    }

    struct Row {
        var image: ImageSummary
        var repository: String
        var tag: String
        var createdSince: String
        var size: String

        init(image: ImageSummary, reference: String?, now: Int) {
            self.image = image
            if let reference, let colon = reference.lastIndex(of: ":") {
                repository = String(reference[..<colon])
                tag = String(reference[reference.index(after: colon)...])
            } else {
                repository = "<none>"
                tag = "<none>"
            }
            createdSince = image.createdEpochSeconds.map { HumanReadable.duration(seconds: now - $0) + " ago" } ?? "N/A"
            size = HumanReadable.size(image.size)
        }

        var json: String {
            let object: [String: String] = [
                "ID": image.shortID, "Repository": repository, "Tag": tag, "CreatedAt": image.created,
                "CreatedSince": createdSince, "Size": size, "Digest": "<none>",
            ]
            let data =
                (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
                ?? Data("{}".utf8)
            return String(decoding: data, as: UTF8.self)
        }
    }
}
