import ArgumentParser
import Images

/// `swiftstack image rm NAME…`: untags; an image loses its content when its last tag goes
/// (or when it is named by id). Reports like `docker image rm`; carries on past failures.
struct ImageRemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm",
        abstract: "Remove one or more images (by NAME[:TAG], id or id prefix).",
        aliases: ["remove", "rmi"]
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Images to remove.")
    var images: [String]

    func validate() throws {
        if images.isEmpty { throw ValidationError("name at least one image") }
    }

    func run() throws {
        let store = try global.openImageStore()
        var worst: ExitCode?
        for name in images {
            do throws(ImageError) {
                let image = try store.image(name)
                try store.remove(name)
                let stillThere = (try? store.image(image.id)) != nil
                if let tag = untaggedReference(name, of: image) { print("Untagged: \(tag)") }
                if !stillThere {
                    if untaggedReference(name, of: image) == nil { for tag in image.references { print("Untagged: \(tag)") } }
                    print("Deleted: \(image.id)")
                }
            } catch {
                ImageCommandErrors.print(error)
                let code = ImageCommandErrors.exitCode(for: error)
                if worst == nil || code.rawValue > worst!.rawValue { worst = code }
            }
        }
        if let worst { throw worst }
    }

    /// The tag `name` removed, when it named a tag rather than an id.
    private func untaggedReference(_ name: String, of image: Image) -> String? {
        guard let reference = try? ImageReference(parsing: name), image.references.contains(reference.description) else { return nil }
        return reference.description
    }
}
