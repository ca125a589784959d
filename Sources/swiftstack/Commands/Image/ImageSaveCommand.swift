import ArgumentParser
import Foundation
import Images

/// `swiftstack image save -o FILE [--format oci|docker] NAME…`: images into one tar archive.
struct ImageSaveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "save",
        abstract: "Save one or more images to a tar archive (an OCI layout, or docker save's format)."
    )

    @OptionGroup var global: GlobalOptions

    @Option(
        name: [.short, .customLong("output")],
        help: "Write to this file (default: standard output, which must not be a terminal).")
    var output: String?

    @Option(help: "Archive format: oci, or docker (manifest.json with uncompressed layers).")
    var format: ImageArchiveFormat = .oci

    @Argument(help: "Images to save (NAME[:TAG], id or id prefix).")
    var images: [String]

    func validate() throws {
        if images.isEmpty { throw ValidationError("name at least one image") }
        if output == nil || output == "-", isatty(1) != 0 {
            throw ValidationError("refusing to write an archive to a terminal; use -o FILE or redirect standard output")
        }
    }

    func run() throws {
        let store = try global.openImageStore()
        try ImageCommandErrors.reporting { () throws(ImageError) in
            if let output, output != "-" {
                try store.save(images, to: output, format: format)
            } else {
                try store.save(images, toFileDescriptor: 1, format: format)
            }
        }
    }
}

extension ImageArchiveFormat: ExpressibleByArgument {}
