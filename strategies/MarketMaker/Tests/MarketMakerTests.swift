import MarketMaker
import StrategyKitTesting
import TestSupport
import Testing

/// MarketMaker through its public behaviour: the shipped manifest, books and trades in, quotes
/// (orders), fills and inventory out.
@Suite(.watchdog) struct MarketMakerTests {
    /// strategies/market_maker.yaml, re-quoting on every book (no minimum time, a small threshold)
    /// and skewing hard enough that one fill moves the quotes visibly, plus `overrides`.
    static func tester(_ overrides: ParameterMap = [:]) throws -> StrategyTester<MarketMaker> {
        var parameters: ParameterMap = ["skew_bps": 50, "requote_bps": 0.5, "min_requote_ms": 0]
        parameters.values.merge(overrides.values) { _, override in override }
        return try StrategyTester(MarketMaker.self, manifest: "strategies/market_maker.yaml", parameters: parameters)
    }

    /// A wide book around 60 000, so the maker's quotes sit inside it.
    static func wideBook(_ tester: StrategyTester<MarketMaker>) throws {
        try tester.book("BTC-USDT", bids: [(59990, 1), (59980, 2)], asks: [(60010, 1), (60020, 2)])
    }

    static func quotes(_ tester: StrategyTester<MarketMaker>) -> (bid: Price?, ask: Price?) {
        (tester.openOrders.first { $0.side == .buy }?.price, tester.openOrders.first { $0.side == .sell }?.price)
    }

    @Test func quotesBothSidesPostOnlyAroundTheMid() throws {
        let tester = try Self.tester()
        try Self.wideBook(tester)
        tester.advance(by: .seconds(1))
        #expect(tester.orders.count == 2, "\(tester.orders)")
        #expect(tester.orders.allSatisfy { $0.type == .postOnly && $0.quantity == 0.002 }, "\(tester.orders)")
        let (bid, ask) = Self.quotes(tester)
        let bidPrice = try #require(bid), askPrice = try #require(ask)
        #expect(bidPrice < 60000 && bidPrice > 59990, "bid \(bidPrice)")
        #expect(askPrice > 60000 && askPrice < 60010, "ask \(askPrice)")
    }

    /// A trade through the bid fills it: the maker is long, and its next quotes both move down
    /// (it sells more readily and buys less).
    @Test func skewsItsQuotesAgainstInventory() throws {
        let tester = try Self.tester()
        try Self.wideBook(tester)
        tester.advance(by: .seconds(1))
        let (flatBid, flatAsk) = Self.quotes(tester)
        let bidBefore = try #require(flatBid), askBefore = try #require(flatAsk)

        try tester.trade("BTC-USDT", price: 59995, size: 1, side: .sell)
        #expect(tester.fills.count == 1 && tester.fills.first?.side == .buy, "\(tester.fills)")
        #expect(tester.fills.first?.liquidity == .maker)
        #expect(try tester.position("BTC-USDT").isLong)

        tester.advance(by: .seconds(1))
        try Self.wideBook(tester)
        tester.advance(by: .seconds(1))
        let (longBid, longAsk) = Self.quotes(tester)
        let bidAfter = try #require(longBid), askAfter = try #require(longAsk)
        #expect(bidAfter < bidBefore, "bid \(bidBefore) -> \(bidAfter)")
        #expect(askAfter < askBefore, "ask \(askBefore) -> \(askAfter)")
    }

    /// With the shipped parameters: a trade through the bid, then one through the ask, fill both
    /// quotes; the round trip realizes the spread on what the buy left after its base-currency fee
    /// (and pays a maker fee on each side).
    @Test func aRoundTripThroughBothQuotesRealizesTheSpread() throws {
        let tester = try StrategyTester(MarketMaker.self, manifest: "strategies/market_maker.yaml")
        try Self.wideBook(tester)
        tester.advance(by: .seconds(1))
        let (bid, ask) = Self.quotes(tester)
        let bidPrice = try #require(bid), askPrice = try #require(ask)
        try tester.trade("BTC-USDT", price: 59995, size: 1, side: .sell)
        tester.advance(by: .seconds(1))
        try tester.trade("BTC-USDT", price: 60005, size: 1, side: .buy)
        #expect(tester.fills.map(\.side) == [.buy, .sell], "\(tester.fills)")
        let (buy, sell) = (tester.fills[0], tester.fills[1])
        #expect(buy.price == bidPrice && sell.price == askPrice)
        #expect(buy.liquidity == .maker && sell.liquidity == .maker)
        let held = buy.quantity.value - buy.fee.value
        #expect(tester.pnl.realized.value == (try (sell.price.value - buy.price.value).multiplied(by: held)), "\(tester.pnl)")
        #expect(tester.pnl.realized > 0 && tester.pnl.fees > 0)
        #expect(try tester.position("BTC-USDT").isFlat)
    }

    /// Quotes larger than the manifest's max_order_quantity (0.01) are refused by risk, both sides.
    @Test func quotesOverTheQuantityLimitAreRefusedByRisk() throws {
        let tester = try Self.tester(["order_quantity": 0.02, "max_inventory": 0.05])
        try Self.wideBook(tester)
        tester.advance(by: .seconds(1))
        #expect(tester.riskRejections.count >= 2, "\(tester.rejections)")
        #expect(tester.riskRejections.allSatisfy { $0.code == "max_order_quantity" }, "\(tester.rejections)")
        #expect(tester.openOrders.isEmpty)
    }

    @Test func stoppingPullsEveryQuote() throws {
        let tester = try Self.tester()
        try Self.wideBook(tester)
        tester.advance(by: .seconds(1))
        #expect(tester.openOrders.count == 2)
        tester.finish()
        #expect(tester.openOrders.isEmpty, "\(tester.openOrders)")
        #expect(tester.orders.allSatisfy { $0.status == .cancelled }, "\(tester.orders)")
    }
}
