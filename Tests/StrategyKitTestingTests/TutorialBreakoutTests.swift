import StrategyKitTesting
import TestSupport
import Testing

/// strategies/README.md's tutorial strategy, word for word, and its test: the tutorial compiles
/// and does what it says.
public final class Breakout: Strategy {
    public struct Parameters: Decodable, Sendable {
        /// Bars whose highs the close must beat.
        public var lookback: Int
        /// The position held after a breakout.
        public var orderQuantity: Quantity
    }

    let context: StrategyContext
    let parameters: Parameters
    let highs: PerInstrument<RollingWindow>

    public init(context: StrategyContext, parameters: Parameters) throws {
        try require(parameters.lookback >= 2, "lookback", "must be at least 2, got \(parameters.lookback)")
        self.context = context
        self.parameters = parameters
        highs = try context.perInstrument { _ in try RollingWindow(capacity: parameters.lookback) }
    }

    public func onBar(_ bar: Bar) throws {
        var highest: Double?
        highs[bar.instrument].forEach { highest = max(highest ?? $0, $0) }
        let full = highs[bar.instrument].isFull
        _ = highs[bar.instrument].push(bar.high.double)
        guard full, let highest, bar.close.double > highest, context.position(bar.instrument).isFlat else { return }
        try context.orderTarget(bar.instrument, netQuantity: parameters.orderQuantity.value)
    }
}

@Suite(.watchdog) struct TutorialBreakoutTests {
    @Test func buysTheBreakout() throws {
        let tester = try StrategyTester(Breakout.self, parameters: ["lookback": 3, "order_quantity": 0.01], bars: "1s")
        try tester.trades("BTC-USDT", prices: [100, 100.5, 100.2, 100.4, 101.5, 101.6], every: .seconds(1))
        #expect(tester.orders.map(\.side) == [.buy])
        #expect(try tester.position("BTC-USDT").isLong)
    }

    @Test func aLookbackTooShortIsRefusedNamingIt() throws {
        let error = #expect(throws: StrategyTesterError.self) {
            try StrategyTester(Breakout.self, parameters: ["lookback": 1, "order_quantity": 0.01], bars: "1s")
        }
        #expect(error?.description.contains("lookback") == true, "\(String(describing: error))")
    }
}
