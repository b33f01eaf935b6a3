import Testing
@testable import Storage

@Suite struct StorageModuleTests {
    @Test func moduleLoads() {
        #expect(Bool(true))
    }
}
