import Testing

@testable import Builder

/// `2-4 RUN sh: echo hi`: an instruction's line range and compact rendering.
func rendered(_ instruction: Instruction) -> String {
    let lines = instruction.lines
    let range = lines.lowerBound == lines.upperBound ? "\(lines.lowerBound)" : "\(lines.lowerBound)-\(lines.upperBound)"
    return "\(range) \(instruction)"
}

/// Parses and renders every instruction.
func renderedInstructions(_ source: String) throws -> [String] {
    try DockerfileParser.parse(source).instructions.map(rendered)
}

/// The error a parse throws, or nil.
func parseError(_ source: String) -> BuilderError? {
    do {
        _ = try DockerfileParser.parse(source)
        return nil
    } catch {
        return error as? BuilderError
    }
}

/// Parses and resolves in one go.
func resolved(
    _ source: String, buildArguments: [String: String] = [:],
    baseImage: (String) -> BaseImage = { _ in BaseImage() }, imageExists: ((String) -> Bool)? = nil
) throws -> BuildGraph {
    try DockerfileParser.parse(source).resolve(
        buildArguments: buildArguments, baseImage: baseImage, imageExists: imageExists)
}

/// The error resolving throws, or nil.
func resolveError(
    _ source: String, buildArguments: [String: String] = [:], imageExists: ((String) -> Bool)? = nil,
    target: String? = nil
) -> BuilderError? {
    do {
        let graph = try resolved(source, buildArguments: buildArguments, imageExists: imageExists)
        _ = try graph.requiredStages(target: target)
        return nil
    } catch {
        return error as? BuilderError
    }
}
