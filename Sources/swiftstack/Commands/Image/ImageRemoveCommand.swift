import ArgumentParser
import Images

/// `swiftstack image rm [-f] NAME…`: untags; an image loses its content when its last tag goes
/// (or when it is named by id). An image a container uses is kept unless `-f`, which untags it
/// and keeps its content until the container is gone. Reports like `docker image rm`; carries
/// on past failures.
struct ImageRemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm",
        abstract: "Remove one or more images (by NAME[:TAG], id or id prefix).",
        aliases: ["remove", "rmi"]
    )

    @OptionGroup var global: GlobalOptions

    @Flag(name: .shortAndLong, help: "Remove an image with several tags by id, or untag one a container uses.")
    var force = false

    @Argument(help: "Images to remove.")
    var images: [String]

    func validate() throws {
        if images.isEmpty { throw ValidationError("name at least one image") }
    }

    func run() throws {
        let store = try global.openImageStore()
        let inUse = ContainerImageUsage.imageIDs(stateRoot: global.stateRoot, store: store)
        var worst: ExitCode?
        for name in images {
            do throws(ImageError) {
                let removal = try store.remove(name, force: force, inUse: inUse)
                for tag in removal.untagged { print("Untagged: \(tag)") }
                for id in removal.deleted { print("Deleted: \(id)") }
            } catch {
                ImageCommandErrors.print(error)
                let code = ImageCommandErrors.exitCode(for: error)
                if worst == nil || code.rawValue > worst!.rawValue { worst = code }
            }
        }
        if let worst { throw worst }
    }
}
