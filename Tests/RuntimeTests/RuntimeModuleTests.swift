import Testing
@testable import Runtime

@Suite struct RuntimeModuleTests {
    @Test func moduleLoads() {
        #expect(Bool(true))
    }
}
