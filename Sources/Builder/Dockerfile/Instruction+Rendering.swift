/// A compact one-line rendering of an instruction, for progress lines and golden tests:
/// `COPY --from=builder /src/crawler -> /app/crawler`, `CMD ["./crawler", "worker"]`,
/// `RUN sh: go build`, heredocs appended as `<<EOF "body\n"`.
extension Instruction: CustomStringConvertible {
    public var description: String {
        var parts = [keyword.rawValue]
        parts += flags.map { "--\($0.name)" + ($0.value.map { "=\($0)" } ?? "") }
        parts.append(arguments.rendered)
        for heredoc in heredocs {
            var opening = "<<" + (heredoc.stripsTabs ? "-" : "") + heredoc.name
            if let descriptor = heredoc.fileDescriptor { opening = "\(descriptor)" + opening }
            if !heredoc.expands { opening += "(literal)" }
            parts.append(opening + " " + heredoc.content.debugDescription)
        }
        return parts.filter { !$0.isEmpty }.joined(separator: " ")
    }
}

extension InstructionArguments {
    var rendered: String {
        switch self {
        case .from(let image, let stageName):
            return stageName.map { "\(image) AS \($0)" } ?? image
        case .command(let form):
            return form.rendered
        case .copy(let sources, let destination, let isJSON):
            return (isJSON ? "json " : "") + sources.joined(separator: " ") + " -> " + destination
        case .environment(let pairs), .labels(let pairs):
            return pairs.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        case .declarations(let declarations):
            return declarations.map { $0.name + ($0.defaultValue.map { "=\($0)" } ?? "") }.joined(separator: " ")
        case .ports(let words):
            return words.joined(separator: " ")
        case .value(let value):
            return value
        case .volumes(let paths, let isJSON):
            return (isJSON ? "json " : "") + paths.joined(separator: " ")
        case .healthcheck(.none):
            return "NONE"
        case .healthcheck(.check(let command, let options)):
            var text = "CMD " + command.rendered
            if let interval = options.interval { text += " interval=\(interval.components.seconds)s" }
            if let timeout = options.timeout { text += " timeout=\(timeout.components.seconds)s" }
            if let retries = options.retries { text += " retries=\(retries)" }
            return text
        case .onbuild(let trigger):
            return trigger.description
        }
    }
}

extension CommandForm {
    /// `["a", "b"]` for the exec form, `sh: text` for the shell form.
    public var rendered: String {
        switch self {
        case .exec(let words): "\(words)"
        case .shell(let text): "sh: " + text
        }
    }
}
