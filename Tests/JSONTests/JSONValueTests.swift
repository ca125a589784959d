import Foundation
import JSON
import Testing

/// The hand parser reads what Foundation reads (and refuses what it refuses); the writer writes
/// what `JSONEncoder` writes with sorted keys.
@Suite struct JSONValueTests {
    @Test func parsesEveryKindOfValue() throws {
        let text =
            #" { "a" : [1, -2, 0, 3.5, -1e3, 2E-2, 9223372036854775807, 9223372036854775808], "b": {"c": null, "d": true, "e": false}, "s": "x\"\\\/\b\f\n\r\t\u00e9\ud83d\udc33 ü" } "#
        let value = try JSONValue(parsing: Array(text.utf8))
        let object = try JSONObject(value)
        #expect(
            object.value("a")
                == .array([
                    .integer(1), .integer(-2), .integer(0), .double(3.5), .double(-1000), .double(0.02),
                    .integer(Int64.max), .double(9_223_372_036_854_775_808),
                ]))
        let nested = try #require(try object.object("b"))
        #expect(nested.value("c") == nil && nested.members["c"] == .null)
        #expect(try nested.bool("d") == true && nested.bool("e") == false)
        #expect(try object.string("s") == "x\"\\/\u{08}\u{0C}\n\r\té🐳 ü")
        // Foundation agrees on the string.
        let foundation = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(foundation?["s"] as? String == (try object.string("s")))
    }

    @Test(arguments: [
        "", " ", "{", "[1,]", "{\"a\":1,}", "01", "-", "1.", ".5", "1e", "+1", "tru", "nul", "\"abc", "\"\u{01}\"",
        "\"\\x\"", "\"\\u12\"", "\"\\ud83d\"", "{1:2}", "[1] 2", "{\"a\" 1}", "NaN",
    ])
    func refusesWhatIsNotJSON(_ text: String) {
        #expect(throws: JSONError.self) { try JSONValue(parsing: Array(text.utf8)) }
        // Foundation refuses them too, except trailing commas, which it tolerates.
        if !text.contains(",]") && !text.contains(",}") {
            #expect(throws: (any Error).self) {
                try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
            }
        }
    }

    @Test func refusesDeepNestingInsteadOfOverflowingTheStack() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONError.self) { try JSONValue(parsing: Array(deep.utf8)) }
    }

    struct Sample: Codable {
        var name: String
        var path: String
        var count: Int
        var ratio: Double
        var whole: Double
        var flags: [Bool]
        var labels: [String: String]
        var nested: [String: [Int]]
        var nothing: String?
    }

    @Test(arguments: [false, true]) func writesWhatJSONEncoderWrites(escapingSlashes: Bool) throws {
        let sample = Sample(
            name: "tab\tquote\"back\\slash\u{01}\u{1F}é🐳", path: "/usr/bin", count: -42, ratio: 0.5, whole: 2,
            flags: [true, false], labels: ["zeta": "1", "Alpha": "2", "alpha": "3", "b/c": "4"],
            nested: ["x": [1, 2], "a": []], nothing: nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = escapingSlashes ? [.sortedKeys] : [.sortedKeys, .withoutEscapingSlashes]
        let foundation = String(decoding: try encoder.encode(sample), as: UTF8.self)
        let value = JSONValue.object([
            "name": .string(sample.name), "path": .string(sample.path), "count": .integer(-42), "ratio": .double(0.5),
            "whole": .double(2), "flags": .array([.bool(true), .bool(false)]),
            "labels": .object(sample.labels.mapValues(JSONValue.string)),
            "nested": .object(["x": .array([.integer(1), .integer(2)]), "a": .array([])]),
        ])
        #expect(String(decoding: value.serialized(escapingSlashes: escapingSlashes), as: UTF8.self) == foundation)
        // And it reads back to what writes the same bytes (a whole double reads back as an integer).
        let bytes = value.serialized(escapingSlashes: escapingSlashes)
        #expect(try JSONValue(parsing: bytes).serialized(escapingSlashes: escapingSlashes) == bytes)
    }

    @Test func typedAccessorsRefuseAnotherTypeButTreatNullAsMissing() throws {
        let object = try JSONObject(parsing: Array(#"{"s":1,"n":null,"i":1.5,"a":["x",2],"o":{"k":1}}"#.utf8))
        #expect(throws: JSONError.self) { try object.string("s") }
        #expect(try object.string("n") == nil && object.string("missing") == nil)
        #expect(throws: JSONError.self) { try object.int64("i") }
        #expect(try object.double("i") == 1.5 && object.double("s") == 1)
        #expect(throws: JSONError.self) { try object.strings("a") }
        #expect(throws: JSONError.self) { try object.stringDictionary("o") }
        #expect(throws: JSONError.self) { try object.required(object.string("missing"), "missing") }
        #expect(throws: JSONError.self) { try JSONObject(parsing: Array("[1]".utf8)) }
    }
}
