import Foundation
import Orchestrator
import Planner

/// Prints executor events as plain lines on stderr (Compose prints progress there too), so
/// stdout stays for results.
enum ProgressPrinter {
    static func print(_ event: Executor.Event) {
        switch event {
        case .started:
            break
        case .waiting(let action, let condition):
            Console.error("  … \(action.target): waiting for \(condition)")
        case .progress(let action, let message):
            Console.error("  … \(action.target): \(message)")
        case .finished(let action, let seconds):
            Console.error(String(format: "  ✔ %@ (%.2fs)", action.line, seconds))
        case .failed(let action, let error):
            Console.error("  ✘ \(action.line.split(separator: ":").first ?? ""): \(error)")
        case .skipped(let action, let reason):
            Console.error("  - \(action.line.split(separator: ":").first ?? ""): skipped, \(reason)")
        }
    }
}
