import Foundation
import Glibc
import Orchestrator
import Planner

/// On a terminal: one line per action, redrawn in place as actions start, wait, finish or
/// fail (the block is rewritten from its first line, so concurrent actions never interleave).
final class LiveProgress: @unchecked Sendable {
    private struct Row {
        var text: String
        var state: String
        /// ANSI colour of the state (33 yellow, 32 green, 31 red, 0 plain).
        var colour = 33
        var started = Date()
        var done = false
    }

    private var order: [Int] = []
    private var rows: [Int: Row] = [:]
    private var drawn = 0
    private let lock = NSLock()

    /// The event handler `up`/`down` use: this view on a terminal, plain lines otherwise.
    static func handler() -> @Sendable (Executor.Event) -> Void {
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        guard isatty(2) == 1, term != "dumb", !term.isEmpty else { return ProgressPrinter.print }
        let view = LiveProgress()
        return { view.handle($0) }
    }

    func handle(_ event: Executor.Event) {
        lock.withLock {
            switch event {
            case .started(let action):
                update(action) { $0 = Row(text: action.line, state: "⠿ working") }
            case .waiting(let action, let condition):
                update(action) { $0.state = "⠿ waiting for \(condition)" }
            case .progress(let action, let message):
                update(action) { $0.state = "⠿ \(message)" }
            case .finished(let action, let seconds):
                update(action) {
                    $0.state = String(format: "✔ %.2fs", seconds)
                    $0.colour = 32
                    $0.done = true
                }
            case .failed(let action, let error):
                update(action) {
                    // In full once `up` reports it; here only what fits.
                    $0.state = "✘ \(error.message)"
                    $0.colour = 31
                    $0.done = true
                }
            case .skipped(let action, let reason):
                update(action) {
                    $0.state = "- skipped, \(reason)"
                    $0.colour = 0
                    $0.done = true
                }
            }
            redraw()
        }
    }

    private func update(_ action: Action, _ change: (inout Row) -> Void) {
        if rows[action.id] == nil {
            order.append(action.id)
            rows[action.id] = Row(text: action.line, state: "")
        }
        change(&rows[action.id]!)
    }

    private func redraw() {
        var columns = winsize()
        let width = ioctl(2, UInt(TIOCGWINSZ), &columns) == 0 && columns.ws_col > 0 ? Int(columns.ws_col) : 100
        var text = drawn > 0 ? "\u{1B}[\(drawn)A" : ""
        for id in order {
            guard let row = rows[id] else { continue }
            // Truncated to the terminal's width, so one row is one line and the cursor math holds.
            let fit = { (text: String, room: Int) in
                text.count > room ? String(text.prefix(max(room - 1, 0))) + "…" : text
            }
            let label = fit(row.text, max(width / 2, 20))
            let state = fit(row.state, max(width - label.count - 4, 1))
            text += "\r\u{1B}[2K " + label + "  \u{1B}[\(row.colour)m" + state + "\u{1B}[0m\n"
        }
        drawn = order.count
        FileHandle.standardError.write(Data(text.utf8))
    }
}
