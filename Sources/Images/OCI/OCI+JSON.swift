import JSON

/// A type the store reads by hand on the way to a container (`run`, `up`): the same fields and
/// rules as its `Codable` conformance, without `JSONDecoder`'s first-use cost (see `JSONValue`).
protocol HandDecodable: Decodable {
    init(json object: JSONObject) throws(JSONError)
}

extension OCIIndex: HandDecodable {
    init(json object: JSONObject) throws(JSONError) {
        self.init(
            schemaVersion: try object.required(object.int("schemaVersion"), "schemaVersion"),
            mediaType: try object.string("mediaType"), manifests: try object.descriptors("manifests"),
            annotations: try object.stringDictionary("annotations"))
    }
}

extension OCIManifest: HandDecodable {
    init(json object: JSONObject) throws(JSONError) {
        self.init(
            schemaVersion: try object.required(object.int("schemaVersion"), "schemaVersion"),
            mediaType: try object.string("mediaType"),
            config: try OCIDescriptor(json: try object.required(object.object("config"), "config")),
            layers: try object.descriptors("layers"), annotations: try object.stringDictionary("annotations"))
    }
}

extension JSONObject {
    /// The required array of descriptors at `key`.
    fileprivate func descriptors(_ key: String) throws(JSONError) -> [OCIDescriptor] {
        var descriptors: [OCIDescriptor] = []
        for descriptor in try required(objects(key), key) { descriptors.append(try OCIDescriptor(json: descriptor)) }
        return descriptors
    }
}

extension OCIDescriptor {
    init(json object: JSONObject) throws(JSONError) {
        self.init(
            mediaType: try object.required(object.string("mediaType"), "mediaType"),
            digest: try object.required(object.string("digest"), "digest"),
            size: try object.required(object.int64("size"), "size"),
            annotations: try object.stringDictionary("annotations"),
            platform: try object.object("platform").map { platform throws(JSONError) in
                OCIPlatform(
                    architecture: try platform.required(platform.string("architecture"), "architecture"),
                    os: try platform.required(platform.string("os"), "os"))
            })
    }
}

extension OCIImageConfiguration: HandDecodable {
    init(json object: JSONObject) throws(JSONError) {
        let rootfs = try object.required(object.object("rootfs"), "rootfs")
        var history: [HistoryEntry]?
        if let entries = try object.objects("history") {
            var read: [HistoryEntry] = []
            for entry in entries {
                read.append(
                    HistoryEntry(
                        created: try entry.string("created"), createdBy: try entry.string("created_by"),
                        author: try entry.string("author"), comment: try entry.string("comment"),
                        emptyLayer: try entry.bool("empty_layer")))
            }
            history = read
        }
        self.init(
            created: try object.string("created"), author: try object.string("author"),
            architecture: try object.required(object.string("architecture"), "architecture"),
            os: try object.required(object.string("os"), "os"),
            config: try object.object("config").map { config throws(JSONError) in try ImageConfig(json: config) },
            rootfs: RootFS(
                type: try rootfs.required(rootfs.string("type"), "type"),
                diffIDs: try rootfs.required(rootfs.strings("diff_ids"), "diff_ids")),
            history: history)
    }
}

extension ImageConfig {
    init(json object: JSONObject) throws(JSONError) {
        // `ExposedPorts` and `Volumes` are objects of empty objects: their keys are the values
        // (whatever the values hold, as the Codable mapping reads them).
        func keys(_ key: String) throws(JSONError) -> [String] {
            (try object.object(key)?.members.keys.sorted()) ?? []
        }
        self.init(
            env: try object.strings("Env") ?? [], cmd: try object.strings("Cmd"),
            entrypoint: try object.strings("Entrypoint"), workingDir: try object.string("WorkingDir"),
            user: try object.string("User"), exposedPorts: try keys("ExposedPorts"), volumes: try keys("Volumes"),
            labels: try object.stringDictionary("Labels") ?? [:], stopSignal: try object.string("StopSignal"),
            healthcheck: try object.object("Healthcheck").map { check throws(JSONError) in
                ImageHealthcheck(
                    test: try check.required(check.strings("Test"), "Test"), interval: try check.int64("Interval"),
                    timeout: try check.int64("Timeout"), startPeriod: try check.int64("StartPeriod"),
                    startInterval: try check.int64("StartInterval"), retries: try check.int("Retries"))
            }, onBuild: try object.strings("OnBuild") ?? [], shell: try object.strings("Shell"))
    }
}
