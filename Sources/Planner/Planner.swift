/// Turns desired and observed state into an explained plan. Pure: no I/O, no clock.
public enum Planner {
    /// The plan that makes `observed` match `desired` (`up`).
    public static func up(
        _ desired: DesiredState, _ observed: ObservedState, options: PlanOptions = PlanOptions()
    ) throws(PlannerError) -> Plan {
        var up = UpPlanning(desired: desired, observed: observed, options: options)
        try up.run()
        return up.builder.plan
    }
}

/// A container a rolling update replaces, with why.
struct OutdatedContainer {
    var name: String
    var reasons: [String]
    var changes: [FieldChange]
}

/// The state of one `up` planning pass.
struct UpPlanning {
    let desired: DesiredState
    let observed: ObservedState
    let options: PlanOptions
    var builder: PlanBuilder
    /// Action that makes a network or volume exist, by real name.
    var resourceReady: [String: Int] = [:]
    /// Containers removed because their network is replaced, with the reason to give when
    /// they are created again.
    var removedForNetwork: [String: String] = [:]
    /// Networks that containers were attached to but that no longer exist.
    var missingNetworks: Set<String> = []
    /// Volumes whose directory was removed while recorded.
    var missingVolumes: Set<String> = []
    /// Image build action by service.
    var builds: [String: Int] = [:]
    /// The action after which a container exists (created, started or replaced), by name.
    var containerReady: [String: Int] = [:]
    /// Containers being replaced or created anew in this plan.
    var replaced: Set<String> = []
    /// The actions after which each service is up, for its dependents.
    var serviceReady: [String: [Int]] = [:]
    /// The current service's containers left to its rolling update.
    var outdated: [OutdatedContainer] = []
    /// Services already warned about as held back.
    var heldBackWarned: Set<String> = []

    /// Containers by service, computed once: the plan for 1,000 containers must stay linear.
    let desiredByService: [String: [DesiredContainer]]
    let observedByService: [String: [ObservedContainer]]

    init(desired: DesiredState, observed: ObservedState, options: PlanOptions) {
        self.desired = desired
        self.observed = observed
        self.options = options
        builder = PlanBuilder(project: desired.project)
        desiredByService = Dictionary(grouping: desired.containers, by: \.service)
        observedByService = Dictionary(grouping: observed.containers, by: \.service)
    }

    mutating func run() throws(PlannerError) {
        planNetworks()
        planVolumes()
        try planImages()
        for service in desired.serviceOrder { try planService(service) }
        planOrphans()
    }

    // MARK: Networks and volumes

    private mutating func planNetworks() {
        let existing = Dictionary(observed.networks.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for network in desired.networks where !network.external {
            guard let current = existing[network.name], !current.isMissing else {
                let attached = observed.containers.contains { Self.isAttached($0, to: network.name) }
                if attached { missingNetworks.insert(network.name) }
                let reason =
                    existing[network.name] != nil
                    ? "its bridge was deleted behind our back" : attached ? "missing" : "new network"
                resourceReady[network.name] = builder.add(.createNetwork, network.name, reasons: [reason])
                continue
            }
            guard current.configHash != network.configHash else { continue }
            // A network cannot change under attached containers: they go first, come back after.
            let changes = FieldChange.diff(old: current.fields, new: network.fields)
            let attached = observed.containers.filter { Self.isAttached($0, to: network.name) }
            var removals: [Int] = []
            for container in attached {
                removals.append(
                    builder.add(
                        .removeContainer, container.name, service: container.service,
                        reasons: ["network \(network.name) is recreated"]))
                replaced.insert(container.name)
                removedForNetwork[container.name] = "network \(network.name) is recreated"
            }
            let removal = builder.add(
                .removeNetwork, network.name, reasons: Self.describe(changes, or: "config changed"),
                changes: changes, after: removals)
            resourceReady[network.name] = builder.add(
                .createNetwork, network.name, reasons: Self.describe(changes, or: "config changed"),
                changes: changes, after: [removal])
        }
    }

    private mutating func planVolumes() {
        let existing = Dictionary(observed.volumes.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for volume in desired.volumes where !volume.external {
            guard let current = existing[volume.name], !current.isMissing else {
                // Its containers still mount the removed directory: they are created again too.
                let recorded = existing[volume.name] != nil
                let mounted = recorded || observed.containers.contains { Self.mounts($0, volume: volume.key) }
                if mounted { missingVolumes.insert(volume.name) }
                let reason =
                    recorded ? "its directory was removed behind our back" : mounted ? "missing" : "new volume"
                resourceReady[volume.name] = builder.add(.createVolume, volume.name, reasons: [reason])
                continue
            }
            if current.configHash != volume.configHash {
                let changes = FieldChange.diff(old: current.fields, new: volume.fields)
                builder.warn(
                    "volume \(volume.name): \(Self.describe(changes, or: "config changed").joined(separator: "; ")); "
                        + "kept as it is to keep its data (remove it with `down -v` to apply)")
            }
        }
    }

    private mutating func planImages() throws(PlannerError) {
        var seen = Set<String>()
        for service in desired.serviceOrder {
            guard let container = (desiredByService[service] ?? []).first, seen.insert(container.image).inserted
            else { continue }
            let present = observed.images[container.image] != nil
            if container.builds {
                if options.build {
                    builds[service] = builder.add(
                        .buildImage, container.image, service: service, reasons: ["--build"])
                } else if !present {
                    if options.noBuild {
                        throw PlannerError(
                            .missingImage, "image \(container.image) of service \(service) is not built",
                            hint: "build it (`swiftstack build`) or drop --no-build")
                    }
                    builds[service] = builder.add(
                        .buildImage, container.image, service: service, reasons: ["not found locally"])
                }
            } else if !present {
                builder.warn(
                    "image \(container.image) of service \(service) is not present locally: "
                        + "import it with `swiftstack image import` or build it")
            }
        }
    }

    // MARK: Containers

    private mutating func planService(_ service: String) throws(PlannerError) {
        let wanted = (desiredByService[service] ?? [])
        guard let template = wanted.first else {
            serviceReady[service] = []
            return
        }
        let current = (observedByService[service] ?? []).filter { !replaced.contains($0.name) }
            .sorted { $0.index < $1.index }
        // Keep the lowest-numbered containers up to the replica count; the rest go, highest first.
        let keep: [ObservedContainer]
        let excess: [ObservedContainer]
        if template.name.hasPrefix("\(desired.project)-\(service)-") {
            keep = Array(current.prefix(wanted.count))
            excess = Array(current.dropFirst(wanted.count)).reversed()
        } else {  // container_name: exactly one, by name
            keep = current.filter { $0.name == template.name }
            excess = current.filter { $0.name != template.name }
        }
        let prerequisites = try prerequisiteActions(for: template)
        var ready: [Int] = []
        var scaling: [Int] = []
        for container in excess {
            scaling.append(
                builder.add(
                    .removeContainer, container.name, service: service,
                    reasons: ["scale down: service \(service) wants \(wanted.count)"]))
        }
        let rolling = rolloutTemplate(for: service, template)
        outdated = []
        for container in keep {
            let target = Self.retarget(template, to: container)
            if let id = planExisting(container, target, prerequisites: prerequisites, deferRecreate: rolling != nil) {
                ready.append(id)
            }
        }
        let used = Set(keep.map(\.index))
        let freeIndices = (1...).lazy.filter { !used.contains($0) }.prefix(wanted.count - keep.count)
        let reason =
            if !current.isEmpty {
                "scale up: service \(service) wants \(wanted.count)"
            } else if observed.containers.isEmpty { "new service \(service)" } else {
                "service \(service) has no container"
            }
        for index in freeIndices {
            var container = template
            container.index = index
            if container.name.hasPrefix("\(desired.project)-\(service)-") {
                container.name = "\(desired.project)-\(service)-\(index)"
            }
            let create = builder.add(
                .createContainer, container.name, service: service,
                reasons: [removedForNetwork[container.name] ?? reason],
                after: prerequisites)
            let start = builder.add(
                .startContainer, container.name, service: service, reasons: ["created"], after: [create])
            containerReady[container.name] = start
            replaced.insert(container.name)
            ready.append(start)
            scaling.append(start)
        }
        if var rollout = rolling, !outdated.isEmpty {
            rollout.outdated = outdated.map(\.name)
            var reasons: [String] = []
            for reason in outdated.flatMap(\.reasons) where !reasons.contains(reason) { reasons.append(reason) }
            // After scaling, so a start-first replacement never takes a number a new replica takes.
            let id = builder.add(
                .rollOut, service, service: service, reasons: reasons, changes: outdated.first?.changes ?? [],
                after: prerequisites + scaling, rollout: rollout)
            for container in outdated {
                replaced.insert(container.name)
                containerReady[container.name] = id
            }
            ready.append(id)
        }
        serviceReady[service] = ready
    }

    /// The rolling update a service's recreates go through, when it declares `update_config`
    /// and its replicas are numbered (no `container_name`) and no container joins their
    /// network namespace (a replacement under a new name would leave it behind).
    private func rolloutTemplate(for service: String, _ template: DesiredContainer) -> Rollout? {
        guard let rollout = desired.rollouts[service], template.name.hasPrefix("\(desired.project)-\(service)-")
        else { return nil }
        let joined = desired.containers.contains { $0.namespaceService == service }
        return joined ? nil : rollout
    }

    /// Decides what an existing container needs; returns the action after which it is up.
    ///
    /// With `deferRecreate`, a container to recreate goes to `outdated` instead (a rolling
    /// update replaces it), unless it is dead: it serves nobody, so it is recreated at once.
    private mutating func planExisting(
        _ current: ObservedContainer, _ target: DesiredContainer, prerequisites: [Int], deferRecreate: Bool
    ) -> Int? {
        let changes = FieldChange.diff(old: current.fields, new: target.fields)
        var recreateReasons: [String] = []
        if options.forceRecreate { recreateReasons.append("--force-recreate") }
        if current.configHash != target.configHash {
            // Without the old normal form (an older record) only the hash tells.
            let fieldReasons = changes.filter { $0.effect == .recreate }.map(\.description)
            recreateReasons += fieldReasons.isEmpty || current.fields.isEmpty ? ["config hash changed"] : fieldReasons
        }
        for network in target.networks where missingNetworks.contains(network) {
            recreateReasons.append("network \(network) was missing and is created again")
        }
        for volume in target.volumes where missingVolumes.contains(volume) {
            recreateReasons.append("volume \(volume) was removed and is created again")
        }
        if let was = current.imageID, let now = observed.images[target.image], was != now {
            recreateReasons.append("image \(target.image) changed (\(Self.short(was)) → \(Self.short(now)))")
        }
        if builds[target.service] != nil {
            recreateReasons.append("image \(target.image) is rebuilt")
        }
        if let parent = namespaceParent(of: target), replaced.contains(parent) {
            recreateReasons.append("joins the network namespace of \(parent), which is replaced")
        }
        if case .dead = current.status {
            recreateReasons.append("recorded as running but its process is gone (exit code unknown)")
        }

        let heldBack = options.heldBack.contains(current.service)
        if heldBack && !recreateReasons.isEmpty && current.status != .dead
            && heldBackWarned.insert(current.service).inserted
        {
            builder.warn(
                "service \(current.service): its last rolling update failed, so its containers are kept as they are "
                    + "until the stack file changes")
        }
        let noRecreate = options.noRecreate || heldBack
        if !recreateReasons.isEmpty && deferRecreate && !noRecreate && current.status != .dead {
            outdated.append(OutdatedContainer(name: current.name, reasons: recreateReasons, changes: changes))
            return nil
        }
        if !recreateReasons.isEmpty && (!noRecreate || current.status == .dead) {
            let id = builder.add(
                .recreateContainer, current.name, service: current.service, reasons: recreateReasons,
                changes: changes, after: prerequisites)
            replaced.insert(current.name)
            containerReady[current.name] = id
            return id
        }

        var last: Int?
        let inPlace = current.fields.isEmpty ? [] : changes.filter { $0.effect == .inPlace }
        if !inPlace.isEmpty && !noRecreate {
            last = builder.add(
                .updateContainer, current.name, service: current.service,
                reasons: inPlace.map(\.description), changes: inPlace)
        }
        let restartFor = target.dependsOn.filter { $0.value.restart }.keys.sorted().filter { dependency in
            (desiredByService[dependency] ?? []).contains { replaced.contains($0.name) }
        }
        switch current.status {
        case .running where !restartFor.isEmpty:
            last = builder.add(
                .restartContainer, current.name, service: current.service,
                reasons: restartFor.map { "dependency \($0) is replaced (depends_on restart: true)" },
                after: prerequisites + (last.map { [$0] } ?? []))
        case .running:
            if last == nil { builder.unchanged(current.name) }
        case .created:
            last = builder.add(
                .startContainer, current.name, service: current.service, reasons: ["created, not started"],
                after: prerequisites + (last.map { [$0] } ?? []))
        case .exited(let code) where code == 0 && target.runsOnce:
            // A finished job: running it again on every `up` would repeat its work.
            if last == nil { builder.unchanged(current.name) }
        case .exited where options.exitedToStart.map { !$0.contains(current.name) } ?? false:
            // Stopped on purpose, or its restart policy's to bring back (or not).
            if last == nil { builder.unchanged(current.name) }
        case .exited(let code):
            let how = code.map { "exited (code \($0))" } ?? "exited (code unknown)"
            let reason = options.exitedToStart == nil ? how : how + " behind our back"
            last = builder.add(
                .startContainer, current.name, service: current.service, reasons: [reason],
                after: prerequisites + (last.map { [$0] } ?? []))
        case .dead:
            break
        }
        if let last { containerReady[current.name] = last }
        return last
    }

    /// What must be done before a container of `template`'s service can be created or started.
    private func prerequisiteActions(for template: DesiredContainer) throws(PlannerError) -> [Int] {
        var ids: [Int] = []
        for network in template.networks { if let id = resourceReady[network] { ids.append(id) } }
        for volume in template.volumes { if let id = resourceReady[volume] { ids.append(id) } }
        if let build = builds[template.service] { ids.append(build) }
        for dependency in desired.prerequisites[template.service] ?? [] {
            ids += serviceReady[dependency] ?? []
        }
        if let parent = namespaceParent(of: template) {
            if let id = containerReady[parent] { ids.append(id) }
        }
        return ids
    }

    /// The container whose network namespace `container` joins, within the project.
    private func namespaceParent(of container: DesiredContainer) -> String? {
        if let service = container.namespaceService {
            return (desiredByService[service] ?? []).first?.name
                ?? (observedByService[service] ?? []).min { $0.index < $1.index }?.name
        }
        return container.namespaceContainer
    }

    private mutating func planOrphans() {
        for container in observed.containers where !desired.knownServices.contains(container.service) {
            if options.removeOrphans {
                builder.add(
                    .removeContainer, container.name, service: container.service,
                    reasons: ["orphan: service \(container.service) is not in the stack file"])
            } else {
                builder.warn(
                    "orphan container \(container.name): service \(container.service) is not in the stack file "
                        + "(remove it with --remove-orphans)")
            }
        }
    }

    // MARK: Helpers

    /// `template` as the existing container `container` (its name and replica number).
    static func retarget(_ template: DesiredContainer, to container: ObservedContainer) -> DesiredContainer {
        var target = template
        target.name = container.name
        target.index = container.index
        return target
    }

    static func isAttached(_ container: ObservedContainer, to network: String) -> Bool {
        container.fields.contains { $0.path.hasPrefix("networks.\(network).") }
    }

    /// Whether `container` was created mounting the named volume `key` (`volumes.TARGET` is
    /// `volume:KEY:rw|ro…` in its normal form).
    static func mounts(_ container: ObservedContainer, volume key: String) -> Bool {
        container.fields.contains { $0.path.hasPrefix("volumes.") && $0.value.hasPrefix("volume:\(key):") }
    }

    static func describe(_ changes: [FieldChange], or fallback: String) -> [String] {
        changes.isEmpty ? [fallback] : changes.map(\.description)
    }

    static func short(_ id: String) -> String {
        let hex = id.hasPrefix("sha256:") ? String(id.dropFirst(7)) : id
        return String(hex.prefix(12))
    }
}
