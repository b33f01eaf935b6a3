import MeanReversion
import StrategyKitTesting
import TestSupport
import Testing

/// MeanReversion through its public behaviour: the shipped manifest with a 10-bar band on
/// one-second bars, trades in, orders and positions out.
@Suite(.watchdog) struct MeanReversionTests {
    /// strategies/mean_reversion.yaml with a 10-bar window on one-second bars (entry 1.8 standard
    /// deviations under the mean, exit back within 0.3, stop beyond 2.5), plus `overrides`.
    static func tester(_ overrides: ParameterMap = [:]) throws -> StrategyTester<MeanReversion> {
        var parameters: ParameterMap = ["window": 10, "entry_z": 1.8, "exit_z": 0.3, "stop_z": 2.5]
        parameters.values.merge(overrides.values) { _, override in override }
        return try StrategyTester(MeanReversion.self, manifest: "strategies/mean_reversion.yaml", parameters: parameters, bars: "1s")
    }

    /// Ten quiet closes around 100: the band.
    static let quiet: [Double] = [100, 100.1, 99.9, 100, 100.1, 99.9, 100, 100.1, 99.9, 100]

    /// A close at 98.8 is about 2.9 deviations under the mean: buy (decided on the next trade).
    @Test func buysACloseFarBelowTheMean() throws {
        let tester = try Self.tester()
        try tester.trades("BTC-USDT", prices: Self.quiet + [98.8], every: .seconds(1))
        #expect(tester.orders.isEmpty, "the 98.8 bar has not closed yet: \(tester.orders)")
        try tester.trades("BTC-USDT", prices: [98.9], every: .seconds(1))
        #expect(tester.orders.map(\.side) == [.buy], "\(tester.orders)")
        #expect(tester.orders.first?.isFilled == true)
        #expect(try tester.position("BTC-USDT").isLong)
    }

    /// Back to 99.6 (within 0.3 deviations of the mean): the position is closed at a gain.
    @Test func exitsOnReversion() throws {
        let tester = try Self.tester()
        try tester.trades("BTC-USDT", prices: Self.quiet + [98.8, 98.9, 99.6, 100], every: .seconds(1))
        #expect(tester.orders.map(\.side) == [.buy, .sell], "\(tester.orders)")
        #expect(try tester.position("BTC-USDT").isFlat)
        #expect(tester.pnl.realized > 0, "\(tester.pnl)")
    }

    /// Still falling to 96.5 (2.7 deviations under, beyond stop_z): the position is stopped out at a loss.
    @Test func stopsOutWhenTheMoveKeepsGoing() throws {
        let tester = try Self.tester()
        try tester.trades("BTC-USDT", prices: Self.quiet + [98.8, 98.9, 96.5, 95], every: .seconds(1))
        #expect(tester.orders.map(\.side) == [.buy, .sell], "\(tester.orders)")
        #expect(try tester.position("BTC-USDT").isFlat)
        #expect(tester.pnl.realized < 0, "\(tester.pnl)")
        #expect(tester.log.contains { $0.fromStrategy && $0.message.contains("stop") }, "\(tester.log)")
    }

    /// Without stop_z the same fall is held.
    @Test func withoutAStopTheFallIsHeld() throws {
        let tester = try Self.tester(["stop_z": nil])
        try tester.trades("BTC-USDT", prices: Self.quiet + [98.8, 98.9, 96.5, 95], every: .seconds(1))
        #expect(tester.orders.map(\.side) == [.buy], "\(tester.orders)")
        #expect(tester.pnl.unrealized < 0, "\(tester.pnl)")
    }

    /// An entry beyond the manifest's max_order_quantity (0.05) never reaches the venue.
    @Test func anEntryOverTheQuantityLimitIsRefusedByRisk() throws {
        let tester = try Self.tester(["order_quantity": 0.1])
        try tester.trades("BTC-USDT", prices: Self.quiet + [98.8, 98.9], every: .seconds(1))
        #expect(tester.riskRejections.map(\.code) == ["max_order_quantity"], "\(tester.rejections)")
        #expect(tester.orders.first?.refusedByRisk == true)
        #expect(try tester.position("BTC-USDT").isFlat)
    }

    /// A stop inside the entry is refused by the strategy's own check, naming the parameter.
    @Test func aStopInsideTheEntryIsRefused() throws {
        let error = #expect(throws: StrategyTesterError.self) { try Self.tester(["stop_z": 1.5]) }
        #expect(error?.description.contains("stop_z") == true, "\(String(describing: error))")
    }
}
