import Execution
import Foundation
import Portfolio
import Risk
import RuntimeHost
import StrategyKit
import TestSupport
import Testing
import TradingCore

/// The review's scenarios of positions and orders disagreeing between the strategy, the risk
/// engine and the portfolio (issue 16), each through the whole engine with the invariant
/// checker on. Instruments as in config/instruments.yaml.
@Suite(.watchdog) struct OneLedgerScenarioTests {
    static let btc = PluginTestSupport.catalog[try! InstrumentId(parsing: "BTC-USDT")]!
    static let swap = PluginTestSupport.catalog[try! InstrumentId(parsing: "BTC-USDT-SWAP")]!

    static func q(_ text: String) -> Quantity { (try? Quantity(parsing: text)) ?? .zero }
    static func px(_ text: String) -> Price { (try? Price(parsing: text)) ?? .zero }
    static func money(_ text: String) -> Money { (try? Money(parsing: text)) ?? .zero }

    /// A 0.02 BTC market buy trimmed by max_position_size to 0.01 fills 0.01; the order is then
    /// finished for the strategy too, which trades on its next signal.
    @Test func aTrimmedOrderThatFilledIsNoLongerOpen() throws {
        let limits = RiskLimits(maxPositionSize: Money(FixedPoint(300)), maxOrdersPerMinute: 100, maxOpenOrders: 10,
                                actions: RiskActions(maxPositionSize: .trim))
        let scenario = try EngineScenario(instruments: [Self.btc], limits: limits)
        let btc = Self.btc.id
        var signals: [Bool] = [] // whether each signal found the instrument free of open orders
        scenario.script.onCandle = { context, _ in
            signals.append(!context.hasOpenOrders(on: btc))
            guard !context.hasOpenOrders(on: btc) else { return }
            if context.position(btc).isFlat {
                try context.buyMarket(btc, quantity: Self.q("0.02"))
            } else {
                try context.sellMarket(btc, quantity: context.closableQuantity(btc), reduceOnly: true)
            }
        }
        try scenario.quote(btc, bid: "30000", ask: "30000")
        try scenario.candle(btc, close: "30000")
        #expect(scenario.position(btc)?.signedQuantity == Self.q("0.01").value)
        #expect(!scenario.context.hasOpenOrders(on: btc))
        #expect(scenario.context.openOrders.isEmpty)

        scenario.wait(milliseconds: 60_000)
        try scenario.quote(btc, bid: "30000", ask: "30000")
        try scenario.candle(btc, close: "30000")
        #expect(signals == [true, true], "the second signal must find no open order")
        #expect(scenario.engine.summary.fills == 2)
        #expect(scenario.position(btc)?.isFlat == true)
    }

    /// BTC-USDT-SWAP (ctVal 0.01), capital 10,000: long 100 @ 30,000, mark 32,000, close @ 32,000
    /// (+2,000 realized), rebuy 100 @ 30,000 on a candle (latency 0, no mark in between):
    /// unrealized 0 and equity 12,000 at every point, and the positions row says so.
    @Test func reEnteringAfterAClosePricesThePositionAtItsFill() throws {
        let scenario = try EngineScenario(instruments: [Self.swap])
        let swap = Self.swap.id
        var nextOrder: Side? = .buy
        scenario.script.onCandle = { context, _ in
            guard let side = nextOrder else { return }
            nextOrder = nil
            try context.submit(swap, side, .market, quantity: Self.q("100"))
        }
        func expectEquity(_ expected: String, unrealized: String, _ step: String) {
            #expect(scenario.equity == Self.money(expected), "equity \(step)")
            #expect(scenario.context.unrealizedPnL(swap) == Self.money(unrealized), "strategy's unrealized \(step)")
            #expect((scenario.position(swap)?.unrealizedPnl ?? .zero) == Self.money(unrealized), "portfolio's unrealized \(step)")
        }
        try scenario.quote(swap, bid: "30000", ask: "30000")
        try scenario.candle(swap, close: "30000")
        expectEquity("10000", unrealized: "0", "after buying 100 @ 30,000")

        try scenario.quote(swap, bid: "32000", ask: "32000")
        expectEquity("12000", unrealized: "2000", "at mark 32,000")

        nextOrder = .sell
        try scenario.candle(swap, close: "32000")
        expectEquity("12000", unrealized: "0", "after closing @ 32,000")
        #expect(scenario.position(swap)?.realizedPnl == Self.money("2000"))

        // The venue's top of book moves to 30,000; the flat position has nothing to mark.
        try scenario.quote(swap, bid: "30000", ask: "30000")
        nextOrder = .buy
        try scenario.candle(swap, close: "30000")
        expectEquity("12000", unrealized: "0", "after rebuying 100 @ 30,000, before any mark")
        let row = try #require(scenario.lastPositionRow(swap))
        #expect(row.quantity == Self.q("100") && row.side == .long)
        #expect(row.currentPrice == Self.px("30000") && row.unrealizedPnl == .zero && row.realizedPnl == Self.money("2000"))
    }

    /// An amend that raises the size goes through the same checks as a new order: a 0.001 BTC
    /// buy cannot be amended to 10 BTC past max_position_size.
    @Test func anAmendUpIsRiskChecked() throws {
        let limits = RiskLimits(maxPositionSize: Money(FixedPoint(1_000)), maxOrdersPerMinute: 100, maxOpenOrders: 10)
        let scenario = try EngineScenario(instruments: [Self.btc], limits: limits)
        let btc = Self.btc.id
        var rejections: [OrderRejection] = []
        scenario.script.onRejected = { _, rejection in rejections.append(rejection) }
        try scenario.quote(btc, bid: "30000", ask: "30000.1")
        let id = try scenario.context.buyLimit(btc, quantity: Self.q("0.001"), price: Self.px("29000"))
        try scenario.candle(btc, close: "30000") // the buy is sent after this callback
        scenario.script.onCandle = { context, _ in try context.amend(id, quantity: Self.q("10")) }
        try scenario.candle(btc, close: "30000")
        #expect(rejections.map(\.code) == ["max_position_size"])
        #expect(scenario.context.openOrder(id)?.request.quantity == Self.q("0.001"))
        #expect(scenario.engine.venue.record(of: id)?.quantity == Self.q("0.001"))
    }

    /// Buy 8, amend to 2, cancel: nothing stays pending in risk.
    @Test func anAmendedThenCanceledOrderLeavesNothingPending() throws {
        let scenario = try EngineScenario(instruments: [Self.swap])
        let swap = Self.swap.id
        try scenario.quote(swap, bid: "30000", ask: "30000.2")
        var step = 0
        var id: ClientOrderId?
        scenario.script.onCandle = { context, _ in
            step += 1
            switch step {
            case 1: id = try context.buyLimit(swap, quantity: Self.q("8"), price: Self.px("29000"))
            case 2: try context.amend(try #require(id), quantity: Self.q("2"))
            default: try context.cancel(try #require(id))
            }
        }
        for _ in 0..<2 { try scenario.candle(swap, close: "30000") }
        let exposure = try #require(scenario.engine.risk.exposure(of: scenario.name, instrument: swap))
        #expect(exposure.net.pendingUp == Self.q("2").value)
        try scenario.candle(swap, close: "30000")
        #expect(scenario.engine.risk.exposure(of: scenario.name, instrument: swap)?.net == .init())
        #expect(scenario.context.openOrders.isEmpty)
    }

    /// Amending down to the filled size completes the order: no longer open for risk, the
    /// strategy or the ledger, and one trade in the day's rollup.
    @Test func amendingDownToTheFilledSizeCompletesTheOrder() throws {
        let scenario = try EngineScenario(instruments: [Self.swap])
        let swap = Self.swap.id
        try scenario.quote(swap, bid: "30000", ask: "30000.2")
        let id = try scenario.context.buyLimit(swap, quantity: Self.q("5"), price: Self.px("30000"))
        try scenario.candle(swap, close: "30000") // sends it; it rests
        try scenario.trade(swap, "29999.9", size: "2", side: .sell) // through its price: 2 fill at 30,000
        #expect(scenario.context.openOrder(id)?.filledQuantity == Self.q("2"))
        scenario.script.onCandle = { context, _ in try context.amend(id, quantity: Self.q("2")) }
        try scenario.candle(swap, close: "30000")
        #expect(scenario.context.openOrders.isEmpty)
        #expect(scenario.engine.ledger.openOrders(of: scenario.name).isEmpty)
        #expect(scenario.engine.risk.exposure(of: scenario.name, instrument: swap)?.net.pendingUp == .zero)
        let rows = scenario.records.compactMap { record -> TradeRecord? in
            if case .order(let trade) = record, trade.clientOrderId == id { trade } else { nil }
        }
        #expect(rows.last?.status == .filled && rows.last?.quantity == Self.q("2"))
        scenario.stop()
        #expect(scenario.performanceRows.last?.totalTrades == 1)
    }

    /// After a 0.01 BTC buy paying a 0.00001 BTC fee, the strategy, risk and the portfolio all hold
    /// 0.00999, and a reduce-only sell of 0.01 is refused rather than leaving -0.00001.
    @Test func aSpotBuysBaseFeeIsOutOfThePositionEverywhere() throws {
        let scenario = try EngineScenario(instruments: [Self.btc], fees: FeeSchedule())
        let btc = Self.btc.id
        var rejections: [String] = []
        scenario.script.onRejected = { _, rejection in rejections.append(rejection.code) }
        try scenario.quote(btc, bid: "30000", ask: "30000")
        try scenario.context.buyMarket(btc, quantity: Self.q("0.01"))
        try scenario.candle(btc, close: "30000")
        let held = Self.q("0.00999").value
        #expect(scenario.position(btc)?.signedQuantity == held)
        #expect(scenario.context.position(btc).netQuantity == held)
        #expect(scenario.engine.risk.exposure(of: scenario.name, instrument: btc)?.net.position == held)

        try scenario.context.sellMarket(btc, quantity: Self.q("0.01"), reduceOnly: true)
        try scenario.candle(btc, close: "30000")
        #expect(rejections == ["reduce_only"])
        #expect(scenario.position(btc)?.signedQuantity == held)
    }

    /// A spread capture that realizes a little but pays more in fees is a loss for the
    /// consecutive-loss monitor: two of them halt a strategy allowed two losses in a row.
    @Test func theLossMonitorCountsPnLNetOfFees() throws {
        let limits = RiskLimits(maxOrdersPerMinute: 100, maxOpenOrders: 10, maxConsecutiveLosses: 2)
        let scenario = try EngineScenario(instruments: [Self.swap], limits: limits, fees: FeeSchedule())
        let swap = Self.swap.id
        // Taker 0.05% on 1 contract (0.01 BTC) at 30,000 is 0.15 USDT a side; each round trip
        // realizes 0.01 USDT (a 1.0 move on 0.01 BTC).
        for _ in 0..<2 {
            try scenario.quote(swap, bid: "30000", ask: "30000")
            try scenario.context.buyMarket(swap, quantity: Self.q("1"))
            try scenario.candle(swap, close: "30000")
            scenario.wait(milliseconds: 1_000)
            try scenario.quote(swap, bid: "30001", ask: "30001")
            try scenario.context.sellMarket(swap, quantity: Self.q("1"))
            try scenario.candle(swap, close: "30001")
            scenario.wait(milliseconds: 1_000)
        }
        #expect(scenario.position(swap)?.realizedPnl == Self.money("0.02"))
        #expect(scenario.engine.risk.state(of: scenario.name) == .halted)
    }

    /// A trade stamped 23:59:59.900 that fills a resting order after the clock already passed
    /// midnight (channels arrive out of step) lands in that day's rollup.
    @Test func aFillJustBeforeMidnightLandsInItsDay() throws {
        let midnight: Int64 = 1_722_038_400_000 // 2024-07-27T00:00:00Z
        let scenario = try EngineScenario(instruments: [Self.btc, Self.swap], start: midnight - 120_000)
        let btc = Self.btc.id
        try scenario.quote(btc, bid: "30000", ask: "30000.2")
        try scenario.context.buyLimit(btc, quantity: Self.q("0.01"), price: Self.px("30000"))
        try scenario.quote(btc, bid: "30000", ask: "30000.2") // sends it; it rests
        // Another instrument's ticker moves the clock to 00:00:00.100 first.
        scenario.wait(milliseconds: 120_100)
        try scenario.quote(Self.swap.id, bid: "30000", ask: "30000.2")
        try scenario.trade(btc, "29999.9", size: "1", side: .sell, at: Timestamp(millisecondsSinceEpoch: midnight - 100))
        #expect(scenario.position(btc)?.signedQuantity == Self.q("0.01").value)
        scenario.wait(milliseconds: 10_000)
        try scenario.quote(Self.swap.id, bid: "30000", ask: "30000.2") // past the rollup's grace
        let day = try #require(scenario.performanceRows.first { $0.strategy == scenario.name && $0.date == UTCDate(containing: Timestamp(millisecondsSinceEpoch: midnight - 1)) })
        #expect(day.totalTrades == 1 && !day.isPartialDay)
    }

    /// A market sell that closes part of a long on a thin book, its rest canceled: the order's
    /// last trades row and its rollup keep the PnL its fill realized (found by the order storm:
    /// the cancel's row was made before the fill's PnL was accounted, and wrote 0 over it).
    @Test func aPartlyFilledOrdersLastRowKeepsItsRealizedPnL() throws {
        let scenario = try EngineScenario(instruments: [Self.swap])
        let swap = Self.swap.id
        try scenario.quote(swap, bid: "30000", ask: "30000")
        try scenario.context.buyMarket(swap, quantity: Self.q("10"))
        try scenario.candle(swap, close: "30000")
        try scenario.quote(swap, bid: "31000", ask: "31000", size: "5")
        let sell = try scenario.context.sellMarket(swap, quantity: Self.q("20"))
        try scenario.candle(swap, close: "31000")
        let rows = scenario.records.compactMap { record -> TradeRecord? in
            switch record {
            case .order(let trade), .fill(let trade, _): trade.clientOrderId == sell ? trade : nil
            default: nil
            }
        }
        let last = try #require(rows.last)
        #expect(last.status == .cancelled && last.filledQuantity == Self.q("5"))
        #expect(last.realizedPnl == Self.money("50")) // 5 contracts x 0.01 BTC x 1,000
        scenario.stop()
        #expect(scenario.performanceRows.last?.totalPnl == Self.money("50"))
    }

    /// A market order is valued at the worst price its size reaches in the visible book, not at
    /// the touch: 0.01 BTC against 0.005 @ 30,000 and 1 @ 31,000 is worth up to 310, over a
    /// max_order_notional of 305 that the touch (300) would pass.
    @Test func aMarketOrderIsValuedAtThePriceItWouldSweepTo() throws {
        let limits = RiskLimits(maxOrderNotional: Money(FixedPoint(305)), priceBandPct: FixedPoint(10), maxOrdersPerMinute: 100,
                                maxOpenOrders: 10)
        let scenario = try EngineScenario(instruments: [Self.btc], limits: limits)
        let btc = Self.btc.id
        var rejections: [String] = []
        scenario.script.onRejected = { _, rejection in rejections.append(rejection.code) }
        try scenario.book(btc, bids: [("29999.9", "1")], asks: [("30000", "0.005"), ("31000", "1")])
        try scenario.context.buyMarket(btc, quantity: Self.q("0.01"))
        try scenario.candle(btc, close: "30000")
        #expect(rejections == ["max_order_notional"])
        #expect(scenario.engine.summary.fills == 0)
        try scenario.context.buyMarket(btc, quantity: Self.q("0.005")) // all at the touch: 150
        try scenario.candle(btc, close: "30000")
        #expect(scenario.position(btc)?.signedQuantity == Self.q("0.005").value)
    }
}
