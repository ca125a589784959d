import ArgumentParser
import Images

/// `swiftstack image prune [-a]`: removes dangling images, or with `-a` every image no container uses.
struct ImagePruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove unused images (dangling ones; with -a all that no container uses)."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(name: .shortAndLong, help: "Remove all images no container uses, not just dangling ones.")
    var all = false

    @Flag(
        name: .shortAndLong,
        help: "Do not prompt for confirmation (swiftstack never prompts; accepted for Docker compatibility).")
    var force = false

    func run() throws {
        let store = try global.openImageStore()
        let inUse = ContainerImageUsage.imageIDs(stateRoot: global.stateRoot, store: store)
        let removal = try ImageCommandErrors.reporting { () throws(ImageError) in
            try store.prune(all: all, inUse: inUse)
        }
        if !removal.untagged.isEmpty || !removal.deleted.isEmpty {
            print("Deleted Images:")
            for tag in removal.untagged { print("untagged: \(tag)") }
            for id in removal.deleted { print("deleted: \(id)") }
            print("")
        }
        print("Total reclaimed space: \(HumanReadable.size(removal.reclaimedBytes))")
    }
}
