import Foundation
import JSON
import Testing

@testable import Images

/// The store reads its index, manifests and configurations by hand; the result must be what
/// JSONDecoder makes of the same bytes, and what JSONDecoder refuses must not be accepted.
@Suite struct HandDecodingTests {
    static func same<T: HandDecodable & Equatable>(_ type: T.Type, _ text: String) throws {
        let bytes = Array(text.utf8)
        let codable = try JSONDecoder().decode(type, from: Data(bytes))
        #expect(try T(json: JSONObject(parsing: bytes)) == codable, "\(text)")
        #expect(try JSONCoding.decode(type, bytes, what: "test") == codable)
    }

    @Test func indexesAsWeWriteThemAndAsOthersDo() throws {
        var index = OCIIndex()
        index.manifests = [
            OCIDescriptor(
                mediaType: OCIMediaType.manifest, digest: "sha256:" + String(repeating: "a", count: 64), size: 1234,
                annotations: ["org.opencontainers.image.ref.name": "busybox:latest"],
                platform: OCIPlatform(architecture: "amd64", os: "linux"))
        ]
        index.annotations = ["x": "y"]
        try Self.same(OCIIndex.self, String(decoding: try JSONCoding.encode(index), as: UTF8.self))
        try Self.same(OCIIndex.self, String(decoding: try JSONCoding.encode(OCIIndex()), as: UTF8.self))
        try Self.same(
            OCIIndex.self,
            #"{"schemaVersion":2,"manifests":[{"mediaType":"m","digest":"d","size":1,"platform":{"architecture":"arm64","os":"linux","variant":"v8"}}],"extra":{"a":[1]}}"#
        )
    }

    @Test func manifests() throws {
        let manifest = OCIManifest(
            config: OCIDescriptor(mediaType: OCIMediaType.config, digest: "sha256:c", size: 5),
            layers: [
                OCIDescriptor(mediaType: OCIMediaType.layerGzip, digest: "sha256:l1", size: 9_000_000_000),
                OCIDescriptor(mediaType: OCIMediaType.layerTar, digest: "sha256:l2", size: 0, annotations: ["k": "v"]),
            ], annotations: nil)
        try Self.same(OCIManifest.self, String(decoding: try JSONCoding.encode(manifest), as: UTF8.self))
        try Self.same(
            OCIManifest.self,
            #"{"schemaVersion":2,"mediaType":null,"config":{"mediaType":"c","digest":"d","size":2},"layers":[]}"#)
    }

    @Test func configurationsWithEveryField() throws {
        let docker = #"""
            {"architecture":"amd64","os":"linux","created":"2024-01-01T00:00:00Z","author":"me",
             "config":{"Env":["PATH=/bin"],"Cmd":["sh"],"Entrypoint":null,"WorkingDir":"/w","User":"1:2",
               "ExposedPorts":{"8080/tcp":{},"53/udp":{}},"Volumes":{"/data":{}},"Labels":{"a":"b"},
               "StopSignal":"SIGQUIT","OnBuild":["RUN x"],"Shell":["/bin/bash","-c"],"Hostname":"ignored",
               "Healthcheck":{"Test":["CMD","true"],"Interval":1000000000,"Retries":3,"StartPeriod":0}},
             "container_config":{"Cmd":["ignored"]},
             "rootfs":{"type":"layers","diff_ids":["sha256:1","sha256:2"]},
             "history":[{"created":"2024","created_by":"/bin/sh -c #(nop) ADD","empty_layer":true,"comment":"c"},{}]}
            """#
        try Self.same(OCIImageConfiguration.self, docker)
        let bare = #"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#
        try Self.same(OCIImageConfiguration.self, bare)
        let emptyConfig = #"{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[]}}"#
        try Self.same(OCIImageConfiguration.self, emptyConfig)
    }

    @Test(arguments: [
        #"{"os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#,
        #"{"architecture":"amd64","os":"linux","rootfs":{"diff_ids":[]}}"#,
        #"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[1]}}"#,
        #"{"architecture":"amd64","os":"linux","config":{"ExposedPorts":["80/tcp"]},"rootfs":{"type":"layers","diff_ids":[]}}"#,
        #"{"architecture":"amd64","os":"linux","config":{"Healthcheck":{"Interval":1}},"rootfs":{"type":"layers","diff_ids":[]}}"#,
    ])
    func refusesWhatJSONDecoderRefuses(_ text: String) {
        #expect(throws: JSONError.self) { try OCIImageConfiguration(json: JSONObject(parsing: Array(text.utf8))) }
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode(OCIImageConfiguration.self, from: Data(text.utf8))
        }
        #expect(throws: ImageError.self) {
            try JSONCoding.decode(OCIImageConfiguration.self, Array(text.utf8), what: "x")
        }
    }
}
