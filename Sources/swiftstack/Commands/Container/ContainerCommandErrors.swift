import ArgumentParser
import Foundation
import Glibc
import Images
import Runtime

/// How container commands report failures: "swiftstack: error: …" on stderr and an exit status
/// (125 for `run`/`exec` when swiftstack itself failed, as Docker; 126/127 when the command could
/// not be invoked / was not found; 1 for the management commands).
enum ContainerCommandErrors {
    static func report(_ message: String) {
        FileHandle.standardError.write(Data("swiftstack: error: \(message)\n".utf8))
    }

    /// Runs `body`, turning any error into a message and an exit code.
    static func reporting<T>(exitCode: Int32 = 1, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ExitCode {
            throw error
        } catch let error as RuntimeError {
            report(error.message)
            throw ExitCode(exitCode == 125 ? error.exitCode : exitCode)
        } catch let error as ImageError {
            report(error.message)
            throw ExitCode(exitCode)
        } catch {
            report("\(error)")
            throw ExitCode(exitCode)
        }
    }
}
