import Testing
@testable import RuntimeHost

@Suite struct RuntimeModuleTests {
    @Test func moduleLoads() {
        #expect(Bool(true))
    }
}
