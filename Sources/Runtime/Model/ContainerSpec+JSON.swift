import JSON

extension ContainerSpec {
    /// `config.json` by hand: byte for byte what `JSONEncoder` (sorted keys) writes for this
    /// type, without its first-use cost (see `JSONValue`). Every container command reads it.
    func encodedJSON() -> [UInt8] {
        var members: [String: JSONValue] = [
            "id": .string(id), "name": .string(name), "image": .string(image),
            "lowerDirectories": .strings(lowerDirectories), "command": .strings(command),
            "environment": .strings(environment), "workingDirectory": .string(workingDirectory),
            "user": .string(user), "hostname": .string(hostname),
            "mounts": .array(mounts.map(\.jsonValue)), "network": network.jsonValue, "limits": limits.jsonValue,
            "capAdd": .strings(capAdd), "capDrop": .strings(capDrop), "readOnlyRootfs": .bool(readOnlyRootfs),
            "useInit": .bool(useInit), "tty": .bool(tty), "stopSignal": .integer(Int64(stopSignal)),
            "stopTimeoutSeconds": .integer(Int64(stopTimeoutSeconds)), "autoRemove": .bool(autoRemove),
            "extraHosts": .strings(extraHosts), "dnsServers": .strings(dnsServers),
        ]
        members["labels"] = .object(labels.mapValues(JSONValue.string))
        return JSONValue.object(members).serialized()
    }

    /// Reads what `encodedJSON` (or `JSONEncoder`) writes. Throws for anything else; the caller
    /// then falls back to `JSONDecoder`, whose message is the one to show.
    init(json bytes: [UInt8]) throws(JSONError) {
        let object = try JSONObject(parsing: bytes)
        func required<T>(_ value: T?, _ key: String) throws(JSONError) -> T { try object.required(value, key) }
        var mounts: [Mount] = []
        for mount in try required(object.objects("mounts"), "mounts") { mounts.append(try Mount(json: mount)) }
        self.init(
            id: try required(object.string("id"), "id"), name: try required(object.string("name"), "name"),
            image: try required(object.string("image"), "image"),
            lowerDirectories: try required(object.strings("lowerDirectories"), "lowerDirectories"),
            command: try required(object.strings("command"), "command"),
            environment: try required(object.strings("environment"), "environment"),
            workingDirectory: try required(object.string("workingDirectory"), "workingDirectory"),
            user: try required(object.string("user"), "user"),
            hostname: try required(object.string("hostname"), "hostname"), mounts: mounts,
            network: try NetworkMode(json: try required(object.object("network"), "network")),
            limits: try ResourceLimits(json: try required(object.object("limits"), "limits")),
            capAdd: try required(object.strings("capAdd"), "capAdd"),
            capDrop: try required(object.strings("capDrop"), "capDrop"),
            readOnlyRootfs: try required(object.bool("readOnlyRootfs"), "readOnlyRootfs"),
            useInit: try required(object.bool("useInit"), "useInit"), tty: try required(object.bool("tty"), "tty"),
            stopSignal: try required(object.int32("stopSignal"), "stopSignal"),
            stopTimeoutSeconds: try required(object.int("stopTimeoutSeconds"), "stopTimeoutSeconds"),
            autoRemove: try required(object.bool("autoRemove"), "autoRemove"),
            extraHosts: try required(object.strings("extraHosts"), "extraHosts"),
            dnsServers: try required(object.strings("dnsServers"), "dnsServers"),
            labels: try required(object.stringDictionary("labels"), "labels"))
    }
}

extension Mount {
    fileprivate var jsonValue: JSONValue {
        .object([
            "kind": .string(kind.rawValue), "source": .string(source), "target": .string(target),
            "readOnly": .bool(readOnly), "options": .string(options),
        ])
    }

    fileprivate init(json object: JSONObject) throws(JSONError) {
        guard let kind = Kind(rawValue: try object.required(object.string("kind"), "kind")) else {
            throw JSONError("unknown mount kind")
        }
        self.init(
            kind: kind, source: try object.required(object.string("source"), "source"),
            target: try object.required(object.string("target"), "target"),
            readOnly: try object.required(object.bool("readOnly"), "readOnly"),
            options: try object.required(object.string("options"), "options"))
    }
}

extension NetworkMode {
    /// The synthesized `Codable` form: `{"isolated":{}}`, `{"container":{"_0":"ID"}}`.
    fileprivate var jsonValue: JSONValue {
        switch self {
        case .isolated: return .object(["isolated": .object([:])])
        case .host: return .object(["host": .object([:])])
        case .container(let id): return .object(["container": .object(["_0": .string(id)])])
        case .namespace(let path): return .object(["namespace": .object(["_0": .string(path)])])
        }
    }

    fileprivate init(json object: JSONObject) throws(JSONError) {
        guard object.members.count == 1, let (key, value) = object.members.first else {
            throw JSONError("expected one network mode")
        }
        let payload = try JSONObject(value)
        switch key {
        case "isolated": self = .isolated
        case "host": self = .host
        case "container": self = .container(try payload.required(payload.string("_0"), "_0"))
        case "namespace": self = .namespace(try payload.required(payload.string("_0"), "_0"))
        default: throw JSONError("unknown network mode '\(key)'")
        }
    }
}

extension ResourceLimits {
    fileprivate var jsonValue: JSONValue {
        var members: [String: JSONValue] = [:]
        if let memoryBytes { members["memoryBytes"] = .integer(memoryBytes) }
        if let cpus { members["cpus"] = .double(cpus) }
        if let pids { members["pids"] = .integer(Int64(pids)) }
        if let openFiles {
            members["openFiles"] = Int64(exactly: openFiles).map(JSONValue.integer) ?? .double(Double(openFiles))
        }
        return .object(members)
    }

    fileprivate init(json object: JSONObject) throws(JSONError) {
        self.init(
            memoryBytes: try object.int64("memoryBytes"), cpus: try object.double("cpus"), pids: try object.int("pids"),
            openFiles: try object.uint64("openFiles"))
    }
}

extension JSONValue {
    fileprivate static func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }
}
