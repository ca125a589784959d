import Builder
import Foundation
import Synchronization

/// Renders build progress on stderr as Docker's plain progress does:
/// `#3 [builder 2/5] RUN go build`, its output lines, then `#3 CACHED` or `#3 DONE 0.4s`.
/// On a terminal (`tty`) a running step's output is a live tail of its last lines, erased when
/// the step ends, so what stays on screen is one line per step and its status.
final class BuildProgressPrinter: Sendable {
    enum Style {
        case plain, tty, quiet
    }

    /// Lines of RUN output the live tail shows.
    static let tailLength = 6

    private struct Tail {
        var lines: [String] = []
        /// How many lines are on screen below the last step line.
        var shown = 0
    }

    let style: Style
    private let tail = Mutex(Tail())

    init(style: Style) {
        self.style = style
    }

    var handle: @Sendable (BuildEvent) -> Void {
        { [self] event in self.show(event) }
    }

    func show(_ event: BuildEvent) {
        switch (style, event.kind) {
        case (.quiet, _):
            return
        case (.tty, .output(let text)):
            tail.withLock { tail in
                tail.lines.append("#\(event.number) \(text)")
                if tail.lines.count > Self.tailLength { tail.lines.removeFirst() }
                var screen = Self.erase(tail.shown)
                for line in tail.lines { screen += "\u{1B}[2m" + String(line.prefix(160)) + "\u{1B}[0m\n" }
                tail.shown = tail.lines.count
                FileHandle.standardError.write(Data(screen.utf8))
            }
        default:
            write(line(for: event))
        }
    }

    func line(for event: BuildEvent) -> String {
        switch event.kind {
        case .started:
            "#\(event.number) [\(event.stage) \(event.position)/\(event.count)] \(event.text)"
        case .cached:
            "#\(event.number) " + emphasised("CACHED")
        case .finished(let duration):
            "#\(event.number) " + emphasised("DONE \(Self.seconds(duration))")
        case .output(let text):
            "#\(event.number) \(text)"
        case .warning(let text):
            "WARNING: \(text)"
        }
    }

    func finish(_ result: BuildResult, tags: [String], elapsed: Duration) {
        guard style != .quiet else { return }
        write("writing image \(result.imageID) done")
        for tag in tags { write("naming to \(tag) done") }
        write("built in \(Self.seconds(elapsed)): \(result.executedSteps) steps ran, \(result.cachedSteps) cached")
    }

    private func emphasised(_ text: String) -> String {
        style == .tty ? "\u{1B}[1m\(text)\u{1B}[0m" : text
    }

    /// Writes a line; on a terminal the live tail is erased first.
    private func write(_ line: String) {
        tail.withLock { tail in
            let prefix = style == .tty ? Self.erase(tail.shown) : ""
            tail = Tail()
            FileHandle.standardError.write(Data((prefix + line + "\n").utf8))
        }
    }

    /// Moves the cursor up over `lines` lines and clears to the end of the screen.
    static func erase(_ lines: Int) -> String {
        lines == 0 ? "" : "\u{1B}[\(lines)F\u{1B}[J"
    }

    static func seconds(_ duration: Duration) -> String {
        let milliseconds =
            duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return String(format: "%.1fs", Double(milliseconds) / 1000)
    }
}
