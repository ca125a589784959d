import ArgumentParser
import Foundation
import Images

/// `swiftstack image inspect NAME…`: a JSON array in the shape of `docker image inspect`.
struct ImageInspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show details of one or more images as JSON."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Images to inspect (NAME[:TAG], id or id prefix).")
    var images: [String]

    struct Details: Encodable {
        var Id: String
        var RepoTags: [String]
        var RepoDigests: [String]
        var Created: String
        var Architecture: String
        var Os: String
        var Size: Int64
        var Config: ImageConfig
        var RootFS: RootFS
        var ManifestDigest: String

        struct RootFS: Encodable {
            var `Type` = "layers"
            var Layers: [String]
        }
    }

    func validate() throws {
        if images.isEmpty { throw ValidationError("name at least one image") }
    }

    func run() throws {
        let store = try global.openImageStore()
        var details = [Details]()
        var failure: ImageError?
        for name in images {
            do throws(ImageError) {
                let image = try store.image(name)
                details.append(Details(
                    Id: image.id, RepoTags: image.references, RepoDigests: [], Created: image.created,
                    Architecture: image.architecture, Os: image.os, Size: image.size, Config: image.config,
                    RootFS: .init(Layers: image.diffIDs), ManifestDigest: image.manifestDigest))
            } catch {
                failure = failure ?? error
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(details), as: UTF8.self))
        if let failure {
            ImageCommandErrors.print(failure)
            throw ImageCommandErrors.exitCode(for: failure)
        }
    }
}
