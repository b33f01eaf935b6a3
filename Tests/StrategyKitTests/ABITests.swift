import Testing
import StrategyKit

@Suite struct ABITests {
    @Test func abiVersionIsPositive() {
        #expect(StrategyKitABI.version >= 1)
    }
}
