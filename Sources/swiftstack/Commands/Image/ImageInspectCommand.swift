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

    /// One image in `docker image inspect`'s shape and key names.
    struct Details: Encodable {
        var id: String
        var repoTags: [String]
        var repoDigests: [String] = []
        var created: String
        var architecture: String
        var os: String
        var size: Int64
        var config: ImageConfig
        var rootFS: RootFS
        var manifestDigest: String
        var history: [HistoryEntry]
        var parent = ""
        var comment: String
        var author: String

        init(_ image: Image) {
            id = image.id
            repoTags = image.references
            repoDigests = image.repoDigests
            created = image.created
            architecture = image.architecture
            os = image.os
            size = image.size
            config = image.config
            rootFS = RootFS(layers: image.diffIDs)
            manifestDigest = image.manifestDigest
            history = image.history
            comment = image.history.last?.comment ?? ""
            author = image.history.last?.author ?? ""
        }

        enum CodingKeys: String, CodingKey {
            case id = "Id"
            case repoTags = "RepoTags"
            case repoDigests = "RepoDigests"
            case created = "Created"
            case architecture = "Architecture"
            case os = "Os"
            case size = "Size"
            case config = "Config"
            case rootFS = "RootFS"
            case manifestDigest = "ManifestDigest"
            case history = "History"
            case parent = "Parent"
            case comment = "Comment"
            case author = "Author"
        }

        struct RootFS: Encodable {
            var type = "layers"
            var layers: [String]

            enum CodingKeys: String, CodingKey {
                case type = "Type"
                case layers = "Layers"
            }
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
                details.append(Details(try store.image(name)))
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
