/// Which stages a build needs and in which order: only those the target depends on, grouped
/// into waves whose stages do not depend on each other and may build in parallel.
extension BuildGraph {
    /// The stage `target` names (its `AS` name or index); the last stage when nil.
    /// - Throws: `BuilderError` `.missingStage` when no stage has that name.
    public func targetStage(_ target: String?) throws -> ResolvedStage {
        guard let last = stages.last else {
            throw BuilderError(.noBuildStage, "the Dockerfile has no stages", file: file)
        }
        guard let target else { return last }
        if let stage = stage(target) { return stage }
        let names = stages.compactMap(\.name)
        throw BuilderError(
            .missingStage, "target stage '\(target)' could not be found", file: file,
            hint: Suggestion.closest(to: target, among: names).map { "did you mean '\($0)'?" }
                ?? (names.isEmpty
                    ? "the Dockerfile names no stages (use FROM … AS name)"
                    : "stages are \(names.joined(separator: ", "))"))
    }

    /// The stages `target` needs, in waves: every stage of a wave depends only on earlier waves.
    /// Stage indices inside a wave are ascending; the target is alone in the last wave.
    public func requiredStages(target: String? = nil) throws -> [[Int]] {
        let goal = try targetStage(target).index
        var depth: [Int: Int] = [:]
        // Dependencies always point to earlier stages, so walking indices downward from the goal
        // sees every dependent before its dependencies; a second, upward pass sets depths.
        var needed = Set([goal])
        for index in stride(from: goal, through: 0, by: -1) where needed.contains(index) {
            needed.formUnion(stages[index].stageDependencies)
        }
        for index in needed.sorted() {
            depth[index] = (stages[index].stageDependencies.map { depth[$0]! }.max()).map { $0 + 1 } ?? 0
        }
        let levels = (depth.values.max() ?? 0) + 1
        var waves = [[Int]](repeating: [], count: levels)
        for index in needed.sorted() { waves[depth[index]!].append(index) }
        return waves
    }

    /// `requiredStages(target:)` flattened: a valid sequential build order.
    public func buildOrder(target: String? = nil) throws -> [Int] {
        try requiredStages(target: target).flatMap { $0 }
    }
}
