import ArgumentParser
import Foundation
import Images

/// `swiftstack image history NAME`: the steps that made an image, newest first, as `docker history`.
struct ImageHistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show the history of an image."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(name: .customLong("no-trunc"), help: "Do not truncate the output.")
    var noTrunc = false

    @Flag(name: .shortAndLong, help: "Only show image ids.")
    var quiet = false

    @Argument(help: "The image (NAME[:TAG], id or id prefix).")
    var image: String

    func run() throws {
        let store = try global.openImageStore()
        let items = try ImageCommandErrors.reporting { () throws(ImageError) -> [ImageHistoryItem] in
            try store.history(of: try store.image(image))
        }
        let now = Int(Date().timeIntervalSince1970)
        func id(_ item: ImageHistoryItem) -> String {
            guard let id = item.imageID else { return "<missing>" }
            return noTrunc ? id : String(id.dropFirst("sha256:".count).prefix(12))
        }
        if quiet {
            for item in items { print(id(item)) }
            return
        }
        let rows = items.map { item -> [String] in
            let created = item.createdEpochSeconds.map { HumanReadable.duration(seconds: now - $0) + " ago" } ?? "N/A"
            var createdBy = item.createdBy
            if !noTrunc && createdBy.count > 45 { createdBy = String(createdBy.prefix(44)) + "…" }
            return [id(item), created, createdBy, HumanReadable.size(item.size), item.comment]
        }
        print(
            TextTable.render(header: ["IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT"], rows: rows), terminator: "")
    }
}
