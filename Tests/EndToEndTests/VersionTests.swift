import Testing

@Suite struct VersionTests {
    @Test func versionPrints() throws {
        let result = try CLI.run(["--version"])
        #expect(result.status == 0)
        #expect(!result.stdout.isEmpty)
    }
}
