/// Interpolates every scalar value of one file's tree (keys are left as written, as Compose does).
enum StackInterpolation {
    static func apply(to tree: StackNode, variables: [String: String], unsetReported: inout Set<String>) -> (
        tree: StackNode, diagnostics: [Diagnostic]
    ) {
        let interpolator = Interpolator(variables: variables)
        var diagnostics: [Diagnostic] = []
        var reported = unsetReported
        let result = tree.mapScalars { text, location in
            var unset: [String] = []
            do throws(Interpolator.Failure) {
                let expanded = try interpolator.expand(text, unset: &unset)
                for name in unset where !reported.contains(name) {
                    reported.insert(name)
                    diagnostics.append(
                        .warning(
                            "variable \(name) is not set, using an empty string", at: location,
                            hint: "set it in the environment or .env, or give a default with ${\(name):-default}"))
                }
                return expanded
            } catch {
                diagnostics.append(.error(error.message, at: location, hint: error.hint))
                return text
            }
        }
        unsetReported = reported
        return (result, diagnostics)
    }
}
