import Foundation
import Testing

@testable import StackFile

@Suite("stacks/crawler.yaml")
struct CrawlerStackTests {
    static var repositoryRoot: String {
        // Tests/StackFileTests/CrawlerStackTests.swift → the repository root.
        PathResolution.directoryName(PathResolution.directoryName(PathResolution.directoryName(#filePath)))
    }

    @Test("the reference stack loads without errors, as the mission describes it")
    func loads() throws {
        let result = try StackLoader.load(
            LoadOptions(files: ["stacks/crawler.yaml"], workingDirectory: Self.repositoryRoot, environment: [:]))
        #expect(result.warnings.allSatisfy { $0.message.contains("does not exist") }, "\(result.warnings)")
        let project = result.project
        #expect(project.name == "crawler")
        #expect(project.serviceNames == ["crawler", "mysql", "probe", "site"])

        let mysql = try #require(project.services["mysql"])
        #expect(mysql.image == "swiftstack/mariadb")
        #expect(
            Set(mysql.environment.keys) == ["MYSQL_DATABASE", "MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_ROOT_PASSWORD"])
        #expect(mysql.volumes == [ServiceVolume(type: .volume, source: "mysql-data", target: "/var/lib/mysql")])
        #expect(mysql.healthcheck?.test == ["CMD", "mariadb-admin", "ping", "-h", "127.0.0.1"])

        let site = try #require(project.services["site"])
        #expect(site.command == ["httpd", "-f", "-p", "80", "-h", "/www"])
        #expect(site.volumes.first?.source == Self.repositoryRoot + "/examples/site/www")
        #expect(site.volumes.first?.readOnly == true)

        let crawler = try #require(project.services["crawler"])
        #expect(crawler.build?.context == Self.repositoryRoot + "/examples/crawler")
        #expect(crawler.dependsOn["mysql"]?.condition == .serviceHealthy)
        #expect(crawler.dependsOn["site"]?.condition == .serviceStarted)
        #expect(crawler.ports == [Port(target: 8080, published: 8081)])
        #expect(crawler.environment["DB_HOST"] == "mysql")
        #expect(crawler.environment["DB_NAME"] == mysql.environment["MYSQL_DATABASE"])
        #expect(crawler.environment["START_URL"] == "http://site/")
        #expect(crawler.restart == .onFailure(maxRetries: nil))

        let probe = try #require(project.services["probe"])
        #expect(probe.networkMode == .service("mysql"))
        #expect(probe.networks.isEmpty)
        #expect(probe.command?.last?.contains("mariadb -h 127.0.0.1") == true)
        #expect(probe.command?.last?.contains("\"$MYSQL_USER\"") == true, "$$ leaves a $ for the container's shell")

        #expect(project.volumes["mysql-data"]?.name == "crawler_mysql-data")
        #expect(project.networks["default"]?.name == "crawler_default")
    }
}
