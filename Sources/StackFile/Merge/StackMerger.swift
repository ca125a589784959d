/// Merges the trees of several `-f` files with Compose's rules: mappings merge
/// recursively and the later file wins for scalars; `command`, `entrypoint` and
/// `healthcheck.test` are replaced whole; a service's `volumes` merge by mount target;
/// other lists (`ports`, `expose`, `dns`, `cap_add`, …) append the entries not already present;
/// `environment`, `labels`, `build.args`, `depends_on` and service `networks` merge by key
/// whichever syntax each file uses.
enum StackMerger {
    static func merge(_ trees: [StackNode]) -> StackNode? {
        guard var result = trees.first.map(canonicalShapes) else { return nil }
        for tree in trees.dropFirst() {
            result = merge(result, canonicalShapes(tree), path: [])
        }
        return result
    }

    private static func merge(_ base: StackNode, _ override: StackNode, path: [String]) -> StackNode {
        switch (base.value, override.value) {
        case (.mapping(let baseEntries), .mapping(let overrideEntries)):
            var entries = baseEntries
            for entry in overrideEntries {
                if let index = entries.firstIndex(where: { $0.key == entry.key }) {
                    entries[index].value = merge(entries[index].value, entry.value, path: path + [entry.key])
                } else {
                    entries.append(entry)
                }
            }
            return StackNode(.mapping(entries), at: base.location)
        case (.sequence(let baseItems), .sequence(let overrideItems)):
            if replacesWhole(path) { return override }
            if isServiceKey(path, "volumes") {
                var items = baseItems
                for item in overrideItems {
                    if let target = mountTarget(item),
                        let index = items.firstIndex(where: { mountTarget($0) == target })
                    {
                        items[index] = item
                    } else {
                        items.append(item)
                    }
                }
                return StackNode(.sequence(items), at: base.location)
            }
            var items = baseItems
            for item in overrideItems where !items.contains(where: { sameContent($0, item) }) {
                items.append(item)
            }
            return StackNode(.sequence(items), at: base.location)
        default:
            return override
        }
    }

    private static func replacesWhole(_ path: [String]) -> Bool {
        isServiceKey(path, "command") || isServiceKey(path, "entrypoint")
            || (path.count == 4 && path[0] == "services" && path[2] == "healthcheck" && path[3] == "test")
    }

    private static func isServiceKey(_ path: [String], _ key: String) -> Bool {
        path.count == 3 && path[0] == "services" && path[2] == key
    }

    /// The container path a `volumes:` entry mounts at, in either syntax.
    private static func mountTarget(_ node: StackNode) -> String? {
        if let text = node.scalar {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            return String(parts.count == 1 ? parts[0] : parts[1])
        }
        return node["target"]?.scalar
    }

    static func sameContent(_ a: StackNode, _ b: StackNode) -> Bool {
        switch (a.value, b.value) {
        case (.null, .null): return true
        case (.scalar(let x), .scalar(let y)): return x == y
        case (.sequence(let xs), .sequence(let ys)):
            return xs.count == ys.count && zip(xs, ys).allSatisfy { sameContent($0, $1) }
        case (.mapping(let xs), .mapping(let ys)):
            return xs.count == ys.count
                && xs.allSatisfy { x in ys.contains { $0.key == x.key && sameContent($0.value, x.value) } }
        default: return false
        }
    }

    /// Rewrites the keyed lists of every service (`environment: [A=1]`, `depends_on: [db]`, …)
    /// as mappings, so that files written in different syntaxes merge by key.
    static func canonicalShapes(_ tree: StackNode) -> StackNode {
        guard var entries = tree.entries, let servicesIndex = entries.firstIndex(where: { $0.key == "services" }),
            var services = entries[servicesIndex].value.entries
        else { return tree }
        for serviceIndex in services.indices {
            guard var fields = services[serviceIndex].value.entries else { continue }
            for fieldIndex in fields.indices {
                let field = fields[fieldIndex]
                switch field.key {
                case "environment", "labels":
                    fields[fieldIndex].value = keyValueListAsMapping(field.value)
                case "depends_on", "networks":
                    fields[fieldIndex].value = nameListAsMapping(field.value)
                case "build":
                    guard var buildEntries = field.value.entries else { continue }
                    for index in buildEntries.indices where ["args", "labels"].contains(buildEntries[index].key) {
                        buildEntries[index].value = keyValueListAsMapping(buildEntries[index].value)
                    }
                    fields[fieldIndex].value = StackNode(.mapping(buildEntries), at: field.value.location)
                default: continue
                }
            }
            services[serviceIndex].value = StackNode(.mapping(fields), at: services[serviceIndex].value.location)
        }
        entries[servicesIndex].value = StackNode(.mapping(services), at: entries[servicesIndex].value.location)
        return StackNode(.mapping(entries), at: tree.location)
    }

    /// `["A=1", "B"]` → `{A: "1", B: null}`; anything else is returned unchanged for the decoder to judge.
    static func keyValueListAsMapping(_ node: StackNode) -> StackNode {
        guard let items = node.items, items.allSatisfy({ $0.scalar != nil }) else { return node }
        let entries = items.map { item -> StackNode.Entry in
            let text = item.scalar!
            if let equals = text.firstIndex(of: "=") {
                return StackNode.Entry(
                    key: String(text[..<equals]), keyLocation: item.location,
                    value: StackNode(.scalar(String(text[text.index(after: equals)...])), at: item.location))
            }
            return StackNode.Entry(key: text, keyLocation: item.location, value: StackNode(.null, at: item.location))
        }
        return StackNode(.mapping(entries), at: node.location)
    }

    /// `[db, cache]` → `{db: null, cache: null}`.
    static func nameListAsMapping(_ node: StackNode) -> StackNode {
        guard let items = node.items, items.allSatisfy({ $0.scalar != nil }) else { return node }
        return StackNode(
            .mapping(
                items.map {
                    StackNode.Entry(key: $0.scalar!, keyLocation: $0.location, value: StackNode(.null, at: $0.location))
                }), at: node.location)
    }
}
