import ArgumentParser
import Foundation
import Images

/// `swiftstack image …`: the local image store, with Docker's command names and output.
struct ImageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Manage images in the local store.",
        subcommands: [
            ImageImportCommand.self, ImageListCommand.self, ImageRemoveCommand.self, ImageInspectCommand.self,
            ImageHistoryCommand.self, ImageTagCommand.self, ImagePruneCommand.self, ImageSaveCommand.self,
            ImageLoadCommand.self,
        ]
    )

    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}

extension GlobalOptions {
    /// Opens the image store under the state root, reporting failures the way image commands do.
    func openImageStore() throws -> ImageStore {
        try ImageCommandErrors.reporting { () throws(ImageError) in try ImageStore(root: stateRoot + "/images") }
    }
}

/// How image commands report store errors: the message on stderr, exit 2 for bad input (an
/// invalid reference or argument), 1 for everything else.
enum ImageCommandErrors {
    static func reporting<T>(_ body: () throws(ImageError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            print(error)
            throw exitCode(for: error)
        }
    }

    static func print(_ error: ImageError) {
        FileHandle.standardError.write(Data("swiftstack: error: \(error.message)\n".utf8))
    }

    static func exitCode(for error: ImageError) -> ExitCode {
        switch error.code {
        case .invalidReference, .invalidArgument: ExitCode(2)
        default: ExitCode(1)
        }
    }
}
