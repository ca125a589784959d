import ArgumentParser
import Foundation
import Glibc
import Images
import Runtime

extension GlobalOptions {
    /// The container runtime over the state root.
    var containerRuntime: ContainerRuntime { ContainerRuntime(root: stateRoot) }
}

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

/// Signal names as Docker accepts them ("KILL", "SIGKILL", "9").
enum SignalName {
    static let table: [String: Int32] = [
        "HUP": SIGHUP, "INT": SIGINT, "QUIT": SIGQUIT, "KILL": SIGKILL, "USR1": SIGUSR1, "USR2": SIGUSR2,
        "TERM": SIGTERM, "ALRM": SIGALRM, "CONT": SIGCONT, "STOP": SIGSTOP, "WINCH": SIGWINCH,
    ]

    static func parse(_ text: String) throws -> Int32 {
        if let number = Int32(text), number > 0, number < 65 { return number }
        var key = text.uppercased()
        if key.hasPrefix("SIG") { key.removeFirst(3) }
        guard let value = table[key] else {
            throw RuntimeError(
                .invalidArgument, "unknown signal '\(text)': use a name such as TERM, KILL, HUP or a number")
        }
        return value
    }
}

/// Forwards the signals a user sends to the CLI on to the container (foreground run, exec).
enum SignalForwarding {
    nonisolated(unsafe) static var target: Int32 = 0

    static func install(forwardingTo pid: Int32) {
        target = pid
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2] {
            signal(sig) { received in
                if SignalForwarding.target > 0 { kill(SignalForwarding.target, received) }
            }
        }
    }
}

/// Parsing helpers shared by run and exec.
enum ContainerOptionParsing {
    /// `KEY=VALUE` lines of an env file; `#` comments and blank lines skipped; `KEY` alone takes
    /// the value from our environment.
    static func readEnvFile(_ path: String) throws -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw RuntimeError(.notFound, "cannot read env file \(path)")
        }
        return text.split(separator: "\n").compactMap { raw in
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { return nil }
            return expand(line)
        }
    }

    /// `-e KEY` (no '=') passes our own value, as Docker does.
    static func expand(_ entry: String) -> String? {
        if entry.contains("=") { return entry }
        guard let value = Environment.value(entry) else { return nil }
        return entry + "=" + value
    }
}
