import ArgumentParser
import Images

/// `swiftstack image import FILE|DIR NAME[:TAG]`: a root filesystem (tarball or directory)
/// becomes a one-layer image, with Docker's `--change` and `--message`.
struct ImageImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a root filesystem (tar, tar.gz or a directory) as an image and print its id."
    )

    @OptionGroup var global: GlobalOptions

    @Option(
        name: [.short, .customLong("change")],
        help:
            "Apply a Dockerfile instruction to the image config (repeatable): CMD, ENTRYPOINT, ENV, EXPOSE, HEALTHCHECK, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME, WORKDIR."
    )
    var changes: [String] = []

    @Option(name: [.short, .customLong("message")], help: "Commit message recorded in the image history.")
    var message: String?

    @Argument(
        help: "The tarball (for example one made by mmdebstrap; - reads standard input) or a root filesystem directory."
    )
    var source: String

    @Argument(help: "The image reference, NAME[:TAG] (tag defaults to latest).")
    var reference: String

    func run() throws {
        let store = try global.openImageStore()
        let image = try ImageCommandErrors.reporting { () throws(ImageError) -> Image in
            let config = try ImageConfig().applying(changes: changes)
            let createdBy = "swiftstack image import \(source)"
            if source != "-" && ImageCommand.isDirectory(source) {
                return try store.importRootfs(
                    directory: source, reference: reference, config: config,
                    createdBy: createdBy, comment: message)
            }
            return try store.importRootfs(
                tarball: source == "-" ? "/dev/stdin" : source, reference: reference,
                config: config, createdBy: createdBy, comment: message)
        }
        print(image.id)
    }
}
