import Testing
@testable import DataQuality

@Suite struct DataQualityModuleTests {
    @Test func moduleLoads() {
        #expect(Bool(true))
    }
}
