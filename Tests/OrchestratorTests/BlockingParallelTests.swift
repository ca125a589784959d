import Foundation
import Synchronization
import Testing

@testable import Orchestrator

/// Blocking actions (starts waiting for monitors, stops waiting out grace periods) run side by
/// side whatever the number of cores.
@Suite struct BlockingParallelTests {
    @Test func everyItemRunsAtOnceEvenBeyondTheNumberOfCores() {
        let count = ProcessInfo.processInfo.activeProcessorCount + 4
        let arrived = Atomic<Int>(0)
        let allMet = Atomic<Int>(0)
        BlockingParallel.forEach(count) { _ in
            arrived.add(1, ordering: .sequentiallyConsistent)
            // A barrier: only passable when every item is in flight at the same time.
            let deadline = Date().addingTimeInterval(10)
            while arrived.load(ordering: .sequentiallyConsistent) < count && Date() < deadline { usleep(1_000) }
            if arrived.load(ordering: .sequentiallyConsistent) == count {
                allMet.add(1, ordering: .sequentiallyConsistent)
            }
        }
        #expect(allMet.load(ordering: .sequentiallyConsistent) == count)
    }

    @Test func theLimitBoundsHowManyRunAtOnce() {
        let running = Atomic<Int>(0)
        let peak = Atomic<Int>(0)
        BlockingParallel.forEach(12, limit: 3) { _ in
            let now = running.add(1, ordering: .sequentiallyConsistent).newValue
            var seen = peak.load(ordering: .sequentiallyConsistent)
            while now > seen {
                let (exchanged, original) = peak.compareExchange(
                    expected: seen, desired: now, ordering: .sequentiallyConsistent)
                if exchanged { break }
                seen = original
            }
            usleep(20_000)
            running.subtract(1, ordering: .sequentiallyConsistent)
        }
        #expect(peak.load(ordering: .sequentiallyConsistent) <= 3)
        #expect(peak.load(ordering: .sequentiallyConsistent) >= 2)
    }
}
