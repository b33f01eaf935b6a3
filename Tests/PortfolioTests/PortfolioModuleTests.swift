import Testing
@testable import Portfolio

@Suite struct PortfolioModuleTests {
    @Test func moduleLoads() {
        #expect(Bool(true))
    }
}
