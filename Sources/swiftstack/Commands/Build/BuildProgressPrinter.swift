import Builder
import Foundation
import Synchronization

/// Renders build progress on stderr as Docker's plain progress does:
/// `#3 [builder 2/5] RUN go build`, its output lines, then `#3 CACHED` or `#3 DONE 0.4s`.
/// On a terminal (`tty`) the same lines, with a step's status shown in bold.
final class BuildProgressPrinter: Sendable {
    enum Style {
        case plain, tty, quiet
    }

    let style: Style
    private let lock = Mutex(())

    init(style: Style) {
        self.style = style
    }

    var handle: @Sendable (BuildEvent) -> Void {
        { [self] event in self.show(event) }
    }

    func show(_ event: BuildEvent) {
        guard style != .quiet else { return }
        let line: String
        switch event.kind {
        case .started:
            line = "#\(event.number) [\(event.stage) \(event.position)/\(event.count)] \(event.text)"
        case .cached:
            line = "#\(event.number) " + emphasised("CACHED")
        case .finished(let duration):
            line = "#\(event.number) " + emphasised("DONE \(Self.seconds(duration))")
        case .output(let text):
            line = "#\(event.number) \(text)"
        case .warning(let text):
            line = "WARNING: \(text)"
        }
        write(line)
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

    private func write(_ line: String) {
        lock.withLock { _ in FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }

    static func seconds(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return String(format: "%.1fs", Double(milliseconds) / 1000)
    }
}
