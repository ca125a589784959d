import ArgumentParser
import Images

/// `swiftstack image import FILE NAME[:TAG]`: a root filesystem tarball becomes a one-layer image.
struct ImageImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a root filesystem tarball (tar or tar.gz) as an image and print its id."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The tarball, for example one made by mmdebstrap; - reads standard input.")
    var file: String

    @Argument(help: "The image reference, NAME[:TAG] (tag defaults to latest).")
    var reference: String

    func run() throws {
        let store = try global.openImageStore()
        let image = try ImageCommandErrors.reporting { () throws(ImageError) in
            try store.importRootfs(tarball: file == "-" ? "/dev/stdin" : file, reference: reference,
                                   createdBy: "swiftstack image import \(file)")
        }
        print(image.id)
    }
}
