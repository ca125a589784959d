extension ImageConfig {
    /// `HEALTHCHECK` as a change line: options, then `NONE` or `CMD` with the exec or shell form.
    /// It replaces the image's healthcheck entirely, as Docker does (options left out take the
    /// runtime's defaults).
    static func parseHealthcheck(
        _ arguments: String, invalid: (String) -> ImageError
    ) throws(ImageError) -> ImageHealthcheck {
        var rest = Substring(arguments)
        var options = ImageHealthcheck(test: [])
        while rest.hasPrefix("--") {
            let end = rest.firstIndex(where: { $0 == " " || $0 == "\t" }) ?? rest.endIndex
            let flag = rest[rest.index(rest.startIndex, offsetBy: 2)..<end]
            rest = Substring(rest[end...].trimmedWhitespace)
            guard let equals = flag.firstIndex(of: "=") else {
                throw invalid("the HEALTHCHECK option --\(flag) needs a value (--\(flag)=VALUE)")
            }
            let name = String(flag[..<equals])
            let value = String(flag[flag.index(after: equals)...])
            func duration() throws(ImageError) -> Int64 {
                guard let nanoseconds = goDurationNanoseconds(value), nanoseconds >= 0 else {
                    throw invalid("--\(name)=\(value) is not a duration such as 30s, 1m30s or 500ms")
                }
                return nanoseconds
            }
            switch name {
            case "interval": options.interval = try duration()
            case "timeout": options.timeout = try duration()
            case "start-period": options.startPeriod = try duration()
            case "start-interval": options.startInterval = try duration()
            case "retries":
                guard let retries = Int(value), retries >= 0 else {
                    throw invalid("--retries=\(value) is not a number of retries")
                }
                options.retries = retries
            default:
                throw invalid(
                    "unknown HEALTHCHECK option --\(name); use --interval, --timeout, --start-period, --start-interval or --retries"
                )
            }
        }
        let keywordEnd = rest.firstIndex(where: { $0 == " " || $0 == "\t" }) ?? rest.endIndex
        let keyword = rest[..<keywordEnd].uppercased()
        let command = rest[keywordEnd...].trimmedWhitespace
        switch keyword {
        case "NONE":
            guard command.isEmpty else { throw invalid("HEALTHCHECK NONE takes no arguments") }
            return ImageHealthcheck(test: ["NONE"])
        case "CMD":
            guard !command.isEmpty else { throw invalid("HEALTHCHECK CMD needs a command") }
            let test = jsonArray(command).map { ["CMD"] + $0 } ?? ["CMD-SHELL", command]
            options.test = test
            return options
        default:
            throw invalid("HEALTHCHECK takes CMD COMMAND or NONE after its options")
        }
    }

    /// An `ONBUILD` trigger as the config stores it: the instruction after the keyword, which may
    /// not be ONBUILD, FROM or MAINTAINER (Docker's rule). Its own syntax is checked by the build
    /// that runs it.
    static func parseTrigger(_ arguments: String, invalid: (String) -> ImageError) throws(ImageError) -> String {
        let keywordEnd = arguments.firstIndex(where: { $0 == " " || $0 == "\t" }) ?? arguments.endIndex
        let keyword = arguments[..<keywordEnd].uppercased()
        guard !["ONBUILD", "FROM", "MAINTAINER"].contains(keyword) else {
            throw invalid("\(keyword) isn't allowed as an ONBUILD trigger")
        }
        guard keyword.allSatisfy({ $0.isLetter }) else {
            throw invalid("ONBUILD needs an instruction, for example 'ONBUILD RUN make'")
        }
        return arguments
    }

    /// Go's duration syntax (`30s`, `1m30s`, `500ms`, `1.5h`) in nanoseconds; nil when invalid.
    static func goDurationNanoseconds(_ text: String) -> Int64? {
        if text == "0" { return 0 }
        let units: [(String, Double)] = [
            ("ns", 1), ("us", 1e3), ("µs", 1e3), ("μs", 1e3), ("ms", 1e6), ("h", 3600e9), ("m", 60e9), ("s", 1e9),
        ]
        var rest = Substring(text)
        var nanoseconds = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix(while: { $0.isASCII && ($0.isNumber || $0 == ".") })
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            // Two-letter units first, so "ms" is not read as "m".
            guard let unit = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            rest = rest.dropFirst(unit.0.count)
            nanoseconds += value * unit.1
        }
        guard nanoseconds < Double(Int64.max) else { return nil }
        return Int64(nanoseconds.rounded())
    }
}
