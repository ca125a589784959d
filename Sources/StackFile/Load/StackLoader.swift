import Foundation

/// Loads a project the way `docker compose` does: finds the files, reads the variables,
/// parses and interpolates each file, merges them, decodes into the typed model,
/// normalises it and validates it, reporting every error at once.
public enum StackLoader {
    public static func load(_ options: LoadOptions) throws(StackFileError) -> LoadResult {
        let workingDirectory = PathResolution.absolute(
            options.workingDirectory, base: "/", home: options.environment["HOME"])
        let explicitProjectDirectory = options.projectDirectory.map {
            PathResolution.absolute($0, base: workingDirectory, home: options.environment["HOME"])
        }
        // Without -f, Compose looks for the files in the project directory.
        let files = try StackFileDiscovery.files(
            options.files, in: options.files.isEmpty ? explicitProjectDirectory ?? workingDirectory : workingDirectory)
        let projectDirectory = explicitProjectDirectory ?? PathResolution.directoryName(files[0].absolutePath)
        let variables = try variables(options, workingDirectory: workingDirectory, projectDirectory: projectDirectory)

        var diagnostics: [Diagnostic] = []
        var trees: [StackNode] = []
        var unsetReported = Set<String>()
        for file in files {
            let text: String
            do {
                text = try String(contentsOfFile: file.absolutePath, encoding: .utf8)
            } catch {
                throw StackFileError(
                    code: .unreadable, "cannot read \(file.displayPath)", hint: "check that it is a readable UTF-8 file"
                )
            }
            guard let tree = try YAMLReader.read(text, file: file.displayPath) else {
                diagnostics.append(
                    .error(
                        "\(file.displayPath) is empty", at: SourceLocation(file: file.displayPath, line: 1, column: 1),
                        hint: "a stack file declares at least `services:`"))
                continue
            }
            let interpolated = StackInterpolation.apply(to: tree, variables: variables, unsetReported: &unsetReported)
            diagnostics += interpolated.diagnostics
            trees.append(interpolated.tree)
        }
        if diagnostics.contains(where: { $0.severity == .error }) {
            let code: StackFileError.Code = trees.count < files.count ? .syntax : .interpolation
            throw StackFileError(code: code, diagnostics: sorted(diagnostics, files: files))
        }
        guard let merged = StackMerger.merge(trees) else {
            throw StackFileError(code: .invalid, diagnostics: sorted(diagnostics, files: files))
        }

        var context = DecodeContext(
            environment: variables, projectDirectory: projectDirectory,
            bindRoots: [projectDirectory, workingDirectory]
                + (repositoryRoot(containing: projectDirectory).map { [$0] } ?? []),
            home: options.environment["HOME"])
        let decoded = context.project(merged)
        diagnostics += context.diagnostics

        var nameDiagnostics: [Diagnostic] = []
        let name = projectName(
            options.projectName ?? variables["COMPOSE_PROJECT_NAME"].flatMap { $0.isEmpty ? nil : $0 },
            decoded: decoded, projectDirectory: projectDirectory, diagnostics: &nameDiagnostics)
        diagnostics += nameDiagnostics
        let profiles = Set(
            options.profiles
                + (variables["COMPOSE_PROFILES"] ?? "").split(separator: ",").map {
                    String($0).trimmingWhitespace()
                })
        var project = Project(
            name: name, workingDirectory: projectDirectory, files: files.map(\.absolutePath),
            services: decoded.services.filter {
                $0.value.profiles.isEmpty || profiles.contains("*") || !profiles.isDisjoint(with: $0.value.profiles)
            }, networks: decoded.networks, volumes: decoded.volumes, sourceMap: context.sourceMap)
        ProjectNormaliser.normalise(&project)
        diagnostics += ProjectValidator.validate(project)

        let ordered = sorted(diagnostics, files: files)
        if ordered.contains(where: { $0.severity == .error }) {
            throw StackFileError(code: .invalid, diagnostics: ordered)
        }
        return LoadResult(project: project, warnings: ordered)
    }

    /// Project names become parts of container, network and volume names: lowercase, `[a-z0-9_-]`,
    /// starting with a letter or digit.
    public static func normaliseProjectName(_ name: String) -> String {
        let kept = name.lowercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
        return String(kept.drop { $0 == "_" || $0 == "-" })
    }

    private static func projectName(
        _ flag: String?, decoded: DecodedProject, projectDirectory: String,
        diagnostics: inout [Diagnostic]
    ) -> String {
        let (raw, location, origin): (String, SourceLocation?, String) =
            if let flag { (flag, nil, "-p") } else if let name = decoded.name, !name.isEmpty {
                (name, decoded.nameLocation, "name:")
            } else {
                (PathResolution.baseName(projectDirectory), nil, "the project directory's name")
            }
        let name = normaliseProjectName(raw)
        if name.isEmpty {
            diagnostics.append(
                .error(
                    "project name \"\(raw)\" (from \(origin)) has no letters or digits", at: location,
                    hint: "set one with -p or a top-level `name:`"))
            return "project"
        }
        return name
    }

    /// Interpolation variables: the `--env-file` files (or `.env` in the project directory),
    /// under the process environment, which wins as in Compose.
    private static func variables(_ options: LoadOptions, workingDirectory: String, projectDirectory: String)
        throws(StackFileError) -> [String: String]
    {
        var variables: [String: String] = [:]
        if options.envFiles.isEmpty {
            let path = projectDirectory + "/.env"
            if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                variables = try DotEnvParser.variables(text, file: path, environment: options.environment)
            }
        } else {
            for file in options.envFiles {
                let path = PathResolution.absolute(file, base: workingDirectory, home: options.environment["HOME"])
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw StackFileError(
                        code: .notFound, "env file \(file) not found", hint: "check the --env-file path")
                }
                let fileVariables = try DotEnvParser.variables(
                    text, file: file, environment: options.environment.merging(variables) { a, _ in a })
                variables.merge(fileVariables) { _, later in later }
            }
        }
        return variables.merging(options.environment) { _, fromProcess in fromProcess }
    }

    /// The nearest directory at or above `directory` holding `.git` (a directory, or a file in a
    /// worktree), or nil.
    private static func repositoryRoot(containing directory: String) -> String? {
        var current = directory
        while true {
            if FileManager.default.fileExists(atPath: current + "/.git") { return current }
            if current == "/" { return nil }
            current = PathResolution.directoryName(current)
        }
    }

    /// Diagnostics in file order, then line and column; those without a place last.
    private static func sorted(_ diagnostics: [Diagnostic], files: [StackFileDiscovery.File]) -> [Diagnostic] {
        let order = Dictionary(files.enumerated().map { ($1.displayPath, $0) }) { first, _ in first }
        return diagnostics.enumerated().sorted { a, b in
            let ka = (
                a.element.location.map { order[$0.file] ?? files.count } ?? Int.max, a.element.location?.line ?? 0,
                a.element.location?.column ?? 0, a.offset
            )
            let kb = (
                b.element.location.map { order[$0.file] ?? files.count } ?? Int.max, b.element.location?.line ?? 0,
                b.element.location?.column ?? 0, b.offset
            )
            return ka < kb
        }.map(\.element)
    }
}
