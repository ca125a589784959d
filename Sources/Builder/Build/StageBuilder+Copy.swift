import Foundation
import Glibc
import Images

extension StageBuilder {
    /// Where COPY/ADD read: the context (with `.dockerignore`) or another stage's or image's files.
    struct CopyOrigin {
        var tree: LayeredTree
        /// Only for the context.
        var ignore: DockerIgnore?
        var name: String
        var identity: String
        /// `--exclude` patterns, matched against paths below each source and the source itself.
        var exclude: DockerIgnore? = nil

        func excludes(_ path: String, below root: String) -> Bool {
            guard let exclude else { return false }
            let relative = path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : nil
            return exclude.excludes(path: String(path.dropFirst())) || relative.map(exclude.excludes(path:)) ?? false
        }
    }

    /// COPY and ADD: sources resolved inside their origin (the context root clamps `..` and
    /// links), written to a staging tree at destinations resolved inside the image root, then
    /// committed as one layer. The cache key covers the staged content and metadata.
    func copy(_ step: ResolvedStep) throws -> Bool {
        let instruction = step.expanded
        guard case .copy(let sources, let rawDestination, _) = instruction.arguments else {
            throw BuilderError(.invalidArguments, "\(instruction.keyword.rawValue) needs sources and a destination")
        }
        let isAdd = instruction.keyword == .add
        for source in sources where source.contains("://") || source.hasPrefix("git@") {
            throw BuilderError(
                .unsupported,
                "\(instruction.keyword.rawValue) of the remote source '\(source)' is not supported: this builder reaches nothing beyond the machine",
                hint: "download it into the build context first and \(isAdd ? "ADD" : "COPY") the local file")
        }
        try checkCopyFlags(instruction)
        var origin = try copyOrigin(step)
        let excludes = instruction.flagValues("exclude").filter { !$0.isEmpty }
        if !excludes.isEmpty { origin.exclude = try DockerIgnore(patterns: excludes) }
        let unpack = instruction.flag("unpack").map { $0 != "false" } ?? true
        let destinationImage = try imageTree()
        let owner = try resolveOwner(instruction.flag("chown"), in: destinationImage)
        let mode = try instruction.flag("chmod").map(parseMode)

        try FileOperations.makeDirectories(context.scratchDirectory, mode: 0o700)
        let staging = context.scratchDirectory + "/copy-" + StagingName.next()
        guard mkdir(staging, 0o755) == 0 else { throw FileOperations.failure("mkdir", staging) }
        defer { FileOperations.removeTree(staging) }
        let tree = StagingTree(root: staging, image: destinationImage)

        let destination = absolute(rawDestination)
        let destinationIsDirectory = rawDestination.hasSuffix("/") || rawDestination.hasSuffix("/.")
        let matches = try expandSources(sources.filter { !$0.hasPrefix("<<") }, in: origin)
        let heredocs = sources.filter { $0.hasPrefix("<<") }
        let count = matches.count + heredocs.count
        if count > 1 || sources.contains(where: Self.hasWildcard), !destinationIsDirectory,
            !(destinationImage.entry(destinationImage.resolve(destination))?.isDirectory ?? false)
        {
            throw BuilderError(
                .invalidArguments,
                "when copying several sources (or a wildcard) the destination must be a directory and end with a /",
                hint: "write \(rawDestination)/")
        }
        for match in matches where !origin.excludes(match, below: "/") {
            guard let entry = origin.tree.entry(match) else { continue }
            if entry.isDirectory {
                let target = destinationImage.resolve(destination)
                try tree.directory(for: target, uid: owner.uid, gid: owner.gid)
                try copyTree(
                    from: match, root: match, origin: origin, to: target, staging: tree, owner: owner, mode: mode)
            } else if isAdd, unpack, entry.isRegular, Self.isTarArchive(entry.hostPath) {
                let target = destinationImage.resolve(destination)
                let directory = try tree.directory(for: target)
                try context.engine { try LayerArchive.extract(tarball: entry.hostPath, into: directory) }
            } else {
                let target = fileTarget(
                    destination, name: FileOperations.baseName(match), isDirectory: destinationIsDirectory,
                    image: destinationImage)
                try copyEntry(entry, origin: origin, to: target, staging: tree, owner: owner, mode: mode)
            }
        }
        for source in heredocs {
            let name = String(source.drop(while: { $0 == "<" || $0 == "-" }))
            guard let heredoc = instruction.heredocs.first(where: { $0.name == name }) else { continue }
            let target = fileTarget(
                destination, name: name, isDirectory: destinationIsDirectory, image: destinationImage)
            let host = try tree.slot(for: target)
            try FileOperations.writeFile(Array(heredoc.content.utf8), to: host, mode: mode ?? 0o644)
            try FileOperations.setOwner(host, uid: owner.uid, gid: owner.gid)
        }

        let key = cacheKey(step, extra: [origin.identity, tree.contentDigest()])
        if let hit = cachedImage(key) {
            adopt(hit)
            return true
        }
        let image = try context.engine {
            try context.store.commit(
                base: current, layerFrom: staging, config: config, history: history(step), reference: nil)
        }
        try record(image, key: key)
        return false
    }

    /// WORKDIR: sets the working directory and creates it (0755) when the image lacks it.
    func workdir(_ step: ResolvedStep) throws -> Bool {
        guard case .value(let path) = step.expanded.arguments else {
            throw BuilderError(.invalidArguments, "WORKDIR needs a path")
        }
        var next = config
        next.workingDir = absolute(path)
        let image = try imageTree()
        let resolved = image.resolve(next.workingDir!)
        if image.entry(resolved)?.isDirectory ?? false {
            return try commitConfig(next, step: step)
        }
        let key = cacheKey(step, extra: ["mkdir"])
        if let hit = cachedImage(key) {
            adopt(hit)
            return true
        }
        try FileOperations.makeDirectories(context.scratchDirectory, mode: 0o700)
        let staging = context.scratchDirectory + "/workdir-" + StagingName.next()
        guard mkdir(staging, 0o755) == 0 else { throw FileOperations.failure("mkdir", staging) }
        defer { FileOperations.removeTree(staging) }
        try StagingTree(root: staging, image: image).directory(for: resolved, mode: 0o755)
        let committed = try context.engine {
            try context.store.commit(
                base: current, layerFrom: staging, config: next, history: history(step), reference: nil)
        }
        try record(committed, key: key)
        return false
    }

    /// Flags this builder does not implement are refused rather than silently ignored.
    /// `--link` only changes how BuildKit stores the layer, so it is accepted.
    func checkCopyFlags(_ instruction: Instruction) throws {
        if instruction.flag("parents").map({ $0 != "false" }) ?? false {
            throw BuilderError(
                .unsupported, "\(instruction.keyword.rawValue) --parents is not supported by this builder",
                hint: "copy each directory to its full destination path instead")
        }
        for flag in ["checksum", "keep-git-dir"] where instruction.flag(flag) != nil {
            throw BuilderError(
                .unsupported, "ADD --\(flag) applies to remote sources, which this builder does not fetch",
                hint: "download the file into the build context first")
        }
    }

    // MARK: - Sources

    func copyOrigin(_ step: ResolvedStep) throws -> CopyOrigin {
        switch step.copySource {
        case .stage(let index):
            guard let result = earlier[index] else {
                throw BuilderError(.missingStage, "stage \(index) was not built before this COPY --from")
            }
            let layers =
                try result.image.map { image in try context.engine { try context.store.layerDirectories(of: image) } }
                ?? []
            let name = context.graph.stages[index].displayName
            return CopyOrigin(
                tree: LayeredTree(layers: layers), ignore: nil, name: "stage \(name)",
                identity: result.image?.id ?? "scratch")
        case .image(let reference):
            let image = try context.image(reference)
            let layers = try context.engine { try context.store.layerDirectories(of: image) }
            return CopyOrigin(
                tree: LayeredTree(layers: layers), ignore: nil, name: "image \(reference)", identity: image.id)
        case nil:
            return CopyOrigin(
                tree: LayeredTree(layers: [context.contextRoot]), ignore: context.ignore, name: "the build context",
                identity: "context")
        }
    }

    static func hasWildcard(_ pattern: String) -> Bool {
        pattern.contains("*") || pattern.contains("?") || pattern.contains("[")
    }

    /// Each source cleaned so it cannot climb out (`../../etc/passwd` is `etc/passwd` of the
    /// origin, as Docker clamps), wildcards matched component by component, links resolved
    /// inside the origin. Returns origin paths (absolute inside the origin).
    func expandSources(_ sources: [String], in origin: CopyOrigin) throws -> [String] {
        var results: [String] = []
        for source in sources {
            let cleaned = ContextPath.clean("/" + source)
            var candidates = ["/"]
            for component in cleaned.split(separator: "/").map(String.init) {
                var next: [String] = []
                for base in candidates {
                    let directory = origin.tree.resolve(base)
                    if Self.hasWildcard(component) {
                        for name in origin.tree.list(directory) where fnmatch(component, name, FNM_PERIOD) == 0 {
                            next.append(ContextPath.clean(directory + "/" + name))
                        }
                    } else {
                        next.append(ContextPath.clean(directory + "/" + component))
                    }
                }
                candidates = next
            }
            var found: [String] = []
            var excluded: [String] = []
            for candidate in candidates {
                let resolved = origin.tree.resolve(candidate)
                guard origin.tree.entry(resolved) != nil else { continue }
                if let ignore = origin.ignore, resolved != "/", ignore.excludes(path: String(resolved.dropFirst())) {
                    excluded.append(candidate)
                    continue
                }
                found.append(resolved)
            }
            if found.isEmpty {
                if !excluded.isEmpty || (origin.ignore.map { $0.excludes(path: String(cleaned.dropFirst())) } ?? false)
                {
                    throw BuilderError(
                        .sourceExcluded,
                        "\(source) is excluded from the build context by \(context.ignoreFile ?? ".dockerignore")",
                        hint: "remove its pattern from the ignore file (or add a !\(cleaned.dropFirst()) exception)")
                }
                if Self.hasWildcard(source) && candidates.isEmpty {
                    throw BuilderError(
                        .sourceNotFound, "no file in \(origin.name) matches \(source)",
                        hint: "check the pattern; paths are relative to the context root")
                }
                let parent = FileOperations.parentPath(cleaned)
                let names = origin.tree.list(origin.tree.resolve(parent))
                let near = Suggestion.closest(to: FileOperations.baseName(cleaned), among: names)
                let listing = names.prefix(8).joined(separator: ", ")
                throw BuilderError(
                    .sourceNotFound, "\(source) not found in \(origin.name)",
                    hint: near.map { "did you mean \(parent == "/" ? "" : String(parent.dropFirst()) + "/")\($0)?" }
                        ?? (names.isEmpty ? "\(parent) is empty or missing" : "\(parent) has: \(listing)"))
            }
            results += found
        }
        return results
    }

    /// The image path a non-directory source lands at: inside `destination` when that ends
    /// in `/` or is a directory in the image, else `destination` itself (parents resolved
    /// inside the image root, the last component never followed).
    func fileTarget(_ destination: String, name: String, isDirectory: Bool, image: LayeredTree) -> String {
        let resolvedDirectory = image.resolve(destination)
        if isDirectory || (image.entry(resolvedDirectory)?.isDirectory ?? false) {
            return ContextPath.clean(resolvedDirectory + "/" + name)
        }
        let parent = image.resolve(FileOperations.parentPath(destination))
        return ContextPath.clean(parent + "/" + FileOperations.baseName(destination))
    }

    /// Copies the contents of origin directory `source` into image directory `target`.
    func copyTree(
        from source: String, root: String, origin: CopyOrigin, to target: String, staging: StagingTree,
        owner: (uid: UInt32, gid: UInt32), mode: mode_t?
    ) throws {
        for name in origin.tree.list(source) {
            let path = ContextPath.clean(source + "/" + name)
            guard let entry = origin.tree.entry(path) else { continue }
            if let ignore = origin.ignore {
                let relative = String(path.dropFirst())
                if ignore.excludes(path: relative)
                    && !(entry.isDirectory && ignore.mayContainIncluded(directory: relative))
                {
                    continue
                }
            }
            if origin.excludes(path, below: root) { continue }
            let destination = ContextPath.clean(target + "/" + name)
            if entry.isDirectory {
                let host = try staging.directory(for: destination)
                try copyTree(
                    from: path, root: root, origin: origin, to: destination, staging: staging, owner: owner,
                    mode: mode)
                chmod(host, mode ?? (entry.status.st_mode & 0o7777))
                try FileOperations.setOwner(host, uid: owner.uid, gid: owner.gid)
                FileOperations.setModificationTime(
                    host, seconds: entry.status.st_mtim.tv_sec, nanoseconds: entry.status.st_mtim.tv_nsec)
            } else {
                try copyEntry(entry, origin: origin, to: destination, staging: staging, owner: owner, mode: mode)
            }
        }
    }

    /// One file or link (other kinds are left out, as from a context they make no sense).
    func copyEntry(
        _ entry: LayeredTree.Entry, origin: CopyOrigin, to target: String, staging: StagingTree,
        owner: (uid: UInt32, gid: UInt32), mode: mode_t?
    ) throws {
        let host = try staging.slot(for: target)
        if entry.isRegular {
            try FileOperations.copyFile(entry.hostPath, to: host, mode: mode ?? (entry.status.st_mode & 0o7777))
        } else if entry.isSymlink, let link = LayeredTree.readLink(entry.hostPath) {
            if symlink(link, host) != 0 { throw FileOperations.failure("symlink", host) }
        } else {
            return
        }
        try FileOperations.setOwner(host, uid: owner.uid, gid: owner.gid)
        if mode != nil, entry.isRegular { chmod(host, mode!) }
        FileOperations.setModificationTime(
            host, seconds: entry.status.st_mtim.tv_sec, nanoseconds: entry.status.st_mtim.tv_nsec)
    }

    /// Tarballs ADD unpacks, recognised by content as Docker does: gzip, or a ustar header.
    static func isTarArchive(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var header = [UInt8](repeating: 0, count: 512)
        let count = header.withUnsafeMutableBytes { read(fd, $0.baseAddress, 512) }
        if count >= 2 && header[0] == 0x1f && header[1] == 0x8b { return true }
        return count == 512 && Array(header[257..<262]) == Array("ustar".utf8)
    }

    // MARK: - --chown / --chmod

    /// `user[:group]` by name or number, names looked up in the image's own /etc/passwd and
    /// /etc/group (never the host's). A numeric user alone means the same group number.
    func resolveOwner(_ spec: String?, in image: LayeredTree) throws -> (uid: UInt32, gid: UInt32) {
        guard let spec, !spec.isEmpty else { return (0, 0) }
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        func table(_ path: String) -> [[Substring]] {
            let text = image.read(path).map { String(decoding: $0, as: UTF8.self) } ?? ""
            return text.split(separator: "\n").map { $0.split(separator: ":", omittingEmptySubsequences: false) }
        }
        let uid: UInt32
        var gid: UInt32
        if let number = UInt32(parts[0]) {
            uid = number
            gid = number
        } else {
            guard let row = table("/etc/passwd").first(where: { $0.count >= 4 && $0[0] == parts[0] }),
                let number = UInt32(row[2]), let group = UInt32(row[3])
            else {
                throw BuilderError(
                    .unknownUser, "--chown: user '\(parts[0])' is not in the image's /etc/passwd",
                    hint: "create the user in an earlier RUN, or give a numeric uid")
            }
            uid = number
            gid = group
        }
        if parts.count == 2 {
            if let number = UInt32(parts[1]) {
                gid = number
            } else {
                guard let row = table("/etc/group").first(where: { $0.count >= 3 && $0[0] == parts[1] }),
                    let number = UInt32(row[2])
                else {
                    throw BuilderError(
                        .unknownUser, "--chown: group '\(parts[1])' is not in the image's /etc/group",
                        hint: "create the group in an earlier RUN, or give a numeric gid")
                }
                gid = number
            }
        }
        return (uid, gid)
    }

    func parseMode(_ text: String) throws -> mode_t {
        guard let value = UInt32(text, radix: 8), value <= 0o7777 else {
            throw BuilderError(
                .invalidFlag, "--chmod=\(text) is not an octal mode", hint: "write for example --chmod=755")
        }
        return mode_t(value)
    }
}

/// Unique names for staging directories.
enum StagingName {
    static func next() -> String {
        String(UInt64.random(in: 0...UInt64.max), radix: 16)
    }
}
