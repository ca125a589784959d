import ArgumentParser
import Foundation
import Images

/// `swiftstack image load [-i FILE]`: images from a `docker save`, `podman save` or `image save` archive.
struct ImageLoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load images from a tar archive (docker save, old or new layout, or an OCI archive)."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: [.short, .customLong("input")], help: "Read from this file (default: standard input).")
    var input: String?

    @Flag(name: .shortAndLong, help: "Print nothing.")
    var quiet = false

    func run() throws {
        let store = try global.openImageStore()
        let path = input.flatMap { $0 == "-" ? nil : $0 } ?? "/dev/stdin"
        let images = try ImageCommandErrors.reporting { () throws(ImageError) in try store.load(archive: path) }
        guard !quiet else { return }
        for image in images {
            if image.references.isEmpty {
                print("Loaded image ID: \(image.id)")
            } else {
                for reference in image.references { print("Loaded image: \(reference)") }
            }
        }
    }
}
