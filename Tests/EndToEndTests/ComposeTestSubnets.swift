import Foundation
import Synchronization

/// The third octet of a test's 10.121.X.0/24, unique within this test process and not routed
/// on the host now: sandboxes of suites running in parallel picked at random before, and two
/// alike made one `up` fail with `subnetOverlap`.
enum TestSubnets {
    private static let taken = Mutex<Set<Int>>([])

    /// Reserves a free octet of `range` (a random one among the free ones).
    static func reserve(_ range: Range<Int>) -> Int {
        taken.withLock { taken in
            let routed = routedOctets()
            let free = range.filter { !taken.contains($0) && !routed.contains($0) }
            let pick = free.randomElement() ?? range.randomElement()!
            taken.insert(pick)
            return pick
        }
    }

    static func release(_ octet: Int) {
        _ = taken.withLock { $0.remove(octet) }
    }

    /// X of every 10.121.X.0 destination in the host's routing table.
    private static func routedOctets() -> Set<Int> {
        guard let table = try? String(contentsOfFile: "/proc/net/route", encoding: .utf8) else { return [] }
        var octets = Set<Int>()
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(whereSeparator: \.isWhitespace)
            // The destination is the address's bytes read as a little-endian number.
            guard fields.count > 1, let destination = UInt32(fields[1], radix: 16) else { continue }
            if destination & 0xff == 10 && (destination >> 8) & 0xff == 121 {
                octets.insert(Int((destination >> 16) & 0xff))
            }
        }
        return octets
    }
}
