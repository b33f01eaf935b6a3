import Testing
@testable import Risk

@Suite struct RiskModuleTests {
    @Test func moduleLoads() {
        #expect(Bool(true))
    }
}
