import Testing
@testable import Execution

@Suite struct ExecutionModuleTests {
    @Test func moduleLoads() {
        #expect(Bool(true))
    }
}
