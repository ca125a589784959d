extension Port {
    /// Parses the short syntax `[HOST_IP:][HOST_PORT[-END]:]CONTAINER_PORT[-END][/PROTOCOL]`,
    /// as `ports:` entries and `run -p` take it; the failure says what is wrong with `text`.
    public static func parse(shortSyntax text: String) -> Result<Port, ShortSyntaxError> {
        DecodeContext.parsePort(text).mapError { ShortSyntaxError(message: $0.message) }
    }

    /// Why a short-syntax port does not parse.
    public struct ShortSyntaxError: Error, Sendable {
        public var message: String
    }
}
