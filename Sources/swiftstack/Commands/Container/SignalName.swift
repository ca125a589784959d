import Glibc
import Runtime

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
