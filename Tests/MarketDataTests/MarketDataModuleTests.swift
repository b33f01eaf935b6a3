import Testing
@testable import MarketData

@Suite struct MarketDataModuleTests {
    @Test func moduleLoads() {
        #expect(Bool(true))
    }
}
