import SMACrossover
import StrategyKitTesting
import TestSupport
import Testing

/// SMACrossover through its public behaviour: the shipped manifest (risk limits, capital) with
/// averages short enough for a few one-second bars, trades in, orders and positions out.
@Suite(.watchdog) struct SMACrossoverTests {
    /// strategies/sma_crossover.yaml with a 2/4-bar crossover on one-second bars, plus `overrides`.
    static func tester(_ overrides: ParameterMap = [:]) throws -> StrategyTester<SMACrossover> {
        var parameters: ParameterMap = ["fast_period": 2, "slow_period": 4]
        parameters.values.merge(overrides.values) { _, override in override }
        return try StrategyTester(SMACrossover.self, manifest: "strategies/sma_crossover.yaml", parameters: parameters, bars: "1s")
    }

    /// A fall that sets the fast average below the slow one, then a rise that crosses it up (the
    /// crossing bar closes with the trade at 100.5) and carries on.
    static let fallThenRise: [Double] = [100, 99.5, 99, 98.5, 98, 98.5, 99.5, 100.5, 101.5, 102.5, 103.5, 104.5, 105.5]
    /// After the rise: the fast average turns below the slow one with the trade at 104.
    static let turnDown: [Double] = [105, 104.5, 104, 103.5]

    @Test func buysOnTheUpCross() throws {
        let tester = try Self.tester()
        try tester.trades("BTC-USDT", prices: Array(Self.fallThenRise.prefix(7)), every: .seconds(1))
        #expect(tester.orders.isEmpty, "no cross yet: \(tester.orders)")
        try tester.trades("BTC-USDT", prices: Array(Self.fallThenRise.dropFirst(7)), every: .seconds(1))
        let buy = try #require(tester.orders.first)
        #expect(tester.orders.count == 1, "\(tester.orders)")
        #expect(buy.side == .buy && buy.type == .market && buy.quantity == 0.01 && buy.isFilled)
        #expect(buy.createdAt == StrategyTesterClock.start.advanced(byNanoseconds: 7_000_000_000))
        #expect(try tester.position("BTC-USDT").isLong)
    }

    @Test func exitsOnTheDownCrossAndRealizesTheRoundTrip() throws {
        let tester = try Self.tester()
        try tester.trades("BTC-USDT", prices: Self.fallThenRise + Self.turnDown, every: .seconds(1))
        #expect(tester.orders.map(\.side) == [.buy, .sell], "\(tester.orders)")
        #expect(tester.orders.allSatisfy { $0.isFilled })
        #expect(try tester.position("BTC-USDT").netQuantity == 0)
        // Bought on the way up, sold lower than the top but above the entry: the round trip's
        // realized PnL is what the two fills say, and it is a gain after fees.
        let (buy, sell) = (tester.fills[0], tester.fills[1])
        #expect(sell.price > buy.price)
        #expect(tester.pnl.realized.value == (try (sell.price.value - buy.price.value).multiplied(by: sell.quantity.value)))
        #expect(tester.pnl.unrealized == 0)
        #expect(tester.pnl.net > 0 && tester.pnl.net < tester.pnl.realized)
    }

    @Test func aFlatMarketTradesNothing() throws {
        let tester = try Self.tester()
        try tester.trades("BTC-USDT", prices: Array(repeating: 100, count: 12), every: .seconds(1))
        #expect(tester.orders.isEmpty, "\(tester.orders)")
        #expect(try tester.position("BTC-USDT").isFlat)
    }

    /// An order size beyond the manifest's max_order_quantity (0.05) never reaches the venue.
    @Test func anOrderOverTheQuantityLimitIsRefusedByRisk() throws {
        let tester = try Self.tester(["order_quantity": 0.1])
        try tester.trades("BTC-USDT", prices: Self.fallThenRise, every: .seconds(1))
        let refusal = try #require(tester.riskRejections.first)
        #expect(refusal.code == "max_order_quantity", "\(refusal)")
        #expect(tester.orders.map(\.status) == [.rejected])
        #expect(try tester.fills.isEmpty && tester.position("BTC-USDT").isFlat)
    }

    @Test func stoppingClosesThePosition() throws {
        let tester = try Self.tester()
        try tester.trades("BTC-USDT", prices: Self.fallThenRise, every: .seconds(1))
        #expect(try tester.position("BTC-USDT").isLong)
        tester.finish()
        #expect(tester.orders.map(\.side) == [.buy, .sell], "\(tester.orders)")
        #expect(try tester.position("BTC-USDT").netQuantity == 0)
    }
}
