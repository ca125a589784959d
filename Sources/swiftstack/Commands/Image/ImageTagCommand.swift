import ArgumentParser
import Images

/// `swiftstack tag SRC DST` and `swiftstack image tag SRC DST`: another name for an image.
struct ImageTagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "Create a tag TARGET that refers to SOURCE."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The image to tag (NAME[:TAG], id or id prefix).")
    var source: String

    @Argument(help: "The new reference, NAME[:TAG].")
    var target: String

    func run() throws {
        let store = try global.openImageStore()
        _ = try ImageCommandErrors.reporting { () throws(ImageError) in try store.tag(source, as: target) }
    }
}
