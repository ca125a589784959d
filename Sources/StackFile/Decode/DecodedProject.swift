/// The parts of a project the top level of the merged tree declares, before normalisation.
struct DecodedProject {
    var name: String?
    var nameLocation: SourceLocation?
    var services: [String: Service] = [:]
    var networks: [String: Network] = [:]
    var volumes: [String: Volume] = [:]
}
