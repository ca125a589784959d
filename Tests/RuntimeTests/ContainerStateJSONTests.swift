import Foundation
import Testing

@testable import Runtime

/// The hand-written `state.json` must be exactly what JSONEncoder writes (and read back by
/// JSONDecoder), whatever the fields hold.
@Suite struct ContainerStateJSONTests {
    static func foundationJSON(_ state: ContainerState) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(state))
    }

    static let states: [ContainerState] = {
        var fresh = ContainerState(createdAt: Date(timeIntervalSince1970: 1_795_924_479.9))
        var running = fresh
        running.status = .running
        running.pid = 4242
        running.pidStartTime = 987_654_321
        running.ownerPid = 17
        running.ownerStartTime = 12
        running.startedAt = Date(timeIntervalSince1970: 946_684_800)  // 2000-01-01T00:00:00Z
        var exited = running
        exited.status = .exited
        exited.exitCode = -1
        exited.oomKilled = true
        exited.finishedAt = Date(timeIntervalSince1970: 4_102_444_799.999)  // 2099-12-31T23:59:59Z
        exited.error = "exec \"/bin/x\": no such file\\dir\n\ttab\r\u{01}\u{08}\u{0C} — ü 🐳 </script>"
        fresh.error = ""
        return [ContainerState(createdAt: Date(timeIntervalSince1970: 0)), fresh, running, exited]
    }()

    @Test(arguments: states) func matchesJSONEncoderByteForByte(_ state: ContainerState) throws {
        let ours = state.encodedJSON()
        #expect(
            String(decoding: ours, as: UTF8.self) == String(decoding: try Self.foundationJSON(state), as: UTF8.self))
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let back = try decoder.decode(ContainerState.self, from: Data(ours))
        #expect(back.status == state.status && back.error == state.error && back.exitCode == state.exitCode)
        #expect(back.createdAt.timeIntervalSince1970 == state.createdAt.timeIntervalSince1970.rounded(.down))
        // The hand-written reader gives what JSONDecoder gives.
        #expect(ContainerState(json: ours) == back)
    }

    @Test func theReaderLeavesAnythingElseToJSONDecoder() throws {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        // Spaces, escapes Foundation does not write, and nulls are read the same.
        let spaced =
            #" { "status" : "exited", "createdAt":"2024-02-29T12:00:00Z", "oomKilled":false, "pid":null, "error":"\u00e9\ud83d\udc33\/" } "#
        let state = try #require(ContainerState(json: Array(spaced.utf8)))
        #expect(state == (try decoder.decode(ContainerState.self, from: Data(spaced.utf8))))
        #expect(state.error == "é🐳/" && state.createdAt.timeIntervalSince1970 == 1_709_208_000)
        // Unknown keys are ignored, as JSONDecoder ignores them.
        let extra = #"{"status":"exited","createdAt":"2024-02-29T12:00:00Z","oomKilled":false,"extra":[1,{}]}"#
        #expect(
            ContainerState(json: Array(extra.utf8)) == (try decoder.decode(ContainerState.self, from: Data(extra.utf8)))
        )
        let others = [
            #"{"status":"exited","createdAt":"2024-02-29T12:00:00.5Z","oomKilled":false}"#,
            #"{"status":"exited","createdAt":"2024-02-29T12:00:00Z"}"#,
            #"{"status":"paused","createdAt":"2024-02-29T12:00:00Z","oomKilled":false}"#,
            #"{"status":"exited","oomKilled":false}"#, #"{"status":"exited","createdAt":"2024-02-29T12:00:00Z"} x"#,
            #"{"status":"exited","createdAt":"2024-02-29T12:00:00Z","pid":1.5}"#, "",
        ]
        for text in others { #expect(ContainerState(json: Array(text.utf8)) == nil, "\(text)") }
    }
}
