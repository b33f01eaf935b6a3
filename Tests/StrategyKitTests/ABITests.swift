import TestSupport
import Testing
import StrategyKit

@Suite(.watchdog) struct ABITests {
    @Test func abiVersionIsPositive() {
        #expect(StrategyKitABI.version >= 1)
    }
}
