import TestSupport
import Testing
@testable import RuntimeHost

@Suite(.watchdog) struct RuntimeModuleTests {
    @Test func moduleLoads() {
        #expect(Bool(true))
    }
}
