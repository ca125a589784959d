/// Accumulates actions, handing out ids in order so that every action comes after those it
/// depends on (which `Plan.waves` relies on).
struct PlanBuilder {
    private(set) var plan: Plan

    init(project: String) { plan = Plan(project: project) }

    @discardableResult
    mutating func add(
        _ kind: Action.Kind, _ target: String, service: String? = nil, reasons: [String],
        changes: [FieldChange] = [], after dependencies: [Int] = [], rollout: Rollout? = nil
    ) -> Int {
        let id = plan.actions.count + 1
        // Ids are 1...count, so "already added" is a range check.
        let dependsOn = Array(Set(dependencies.filter { $0 >= 1 && $0 < id })).sorted()
        plan.actions.append(
            Action(
                id: id, kind: kind, target: target, service: service, reasons: reasons,
                changes: changes, dependsOn: dependsOn, rollout: rollout))
        return id
    }

    mutating func warn(_ message: String) { plan.warnings.append(message) }
    mutating func unchanged(_ name: String) { plan.unchanged.append(name) }
}
