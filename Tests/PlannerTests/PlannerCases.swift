import Planner
import StackFile
import Testing

/// One planner scenario: the file before (what was applied), the file now, and what runs.
struct PlannerCase: CustomTestStringConvertible, Sendable {
    var name: String
    var before: Project?
    var after: Project
    var options = PlanOptions()
    /// Changes what runs relative to `before` applied exactly.
    var observe: @Sendable (ObservedState) -> ObservedState = { $0 }
    var images: [String: String]? = nil

    var testDescription: String { name }
}

let web = makeService("web") { $0.environment = ["LEVEL": "info"] }
let db = makeService("db", image: "mariadb") {
    $0.volumes = [ServiceVolume(type: .volume, source: "data", target: "/var/lib/mysql")]
    $0.healthcheck = Healthcheck(test: ["CMD", "mariadb-admin", "ping"])
}
let app = makeService("app", image: nil) {
    $0.build = Build(context: "/srv/demo/app")
    $0.dependsOn = ["db": Dependency(condition: .serviceHealthy)]
    $0.ports = [Port(target: 8080, published: 8081)]
}
let probe = makeService("probe", image: "mariadb") {
    $0.networks = [:]
    $0.networkMode = .service("db")
    $0.dependsOn = ["db": Dependency(condition: .serviceHealthy)]
}
let stack = makeProject([web, db, app, probe], volumes: ["data"])

func changed(_ service: Service, _ change: (inout Service) -> Void) -> Service {
    var copy = service
    change(&copy)
    return copy
}

func replacing(_ project: Project, _ services: Service...) -> Project {
    var copy = project
    for service in services { copy.services[service.name] = service }
    return copy
}

func removing(_ project: Project, _ names: String...) -> Project {
    var copy = project
    for name in names { copy.services[name] = nil }
    return copy
}
