import Foundation
import Ledger
import Portfolio
import RuntimeHost
@_spi(Host) import StrategyKit
import TestSupport
import Testing
import TradingCore

/// The three shipped strategies, loaded from their plugin libraries and driven through a
/// StrategyContext with recorded market data — no engine, no venue. The real ledger holds their
/// orders and positions; a tiny fill simulator stands in for risk and the venue: market orders
/// fill at the next trade's price, limit orders when a trade goes through them.
@Suite(.watchdog) struct PluginStrategyDecisionTests {
    final class Harness {
        let context: StrategyContext
        let ledger: TradingLedger
        let runner: StrategyRunner
        private(set) var submitted: [OrderRequest] = []
        private(set) var canceled = 0
        private(set) var fills: [Fill] = []
        private var working: [OrderRequest] = []
        private var fillNumber = 0

        /// `bars` (e.g. "5s" from trades) are built as the engine builds them, in the runner.
        init(plugin: String, strategy: String, instruments: [Instrument], parameters: ParameterValue,
             bars: BarSpecification? = nil) throws {
            let name = StrategyName(plugin.lowercased())
            ledger = TradingLedger(portfolio: Portfolio(instruments: instruments, mode: .paper))
            context = StrategyContext(name: name, instruments: instruments, allocatedCapital: Money(FixedPoint(10_000)), parameters: parameters,
                                      ledger: ledger.view(for: name))
            let registration = try PluginLoader(searchPaths: [PluginTestSupport.binDirectory]).registration(plugin: plugin, strategy: strategy)
            runner = try StrategyRunner(registration: registration, context: context, callbackBudget: .seconds(1),
                                        bars: bars.map { BarAggregator(specification: $0, instruments: instruments.map(\.id)) })
            #expect(runner.start(at: .zero) == .completed)
        }

        /// Accepts every queued command (risk passes everything here).
        func process(at time: Timestamp) {
            for command in context.takeOutbox() {
                switch command {
                case .submit(let request):
                    submitted.append(request)
                    working.append(request)
                    ledger.recordSent(request)
                    if let order = ledger.recordAccepted(request.clientOrderId, of: request.strategy) { runner.orderAccepted(order, at: time) }
                case .cancel(let id, _):
                    working.removeAll { $0.clientOrderId == id }
                    canceled += 1
                    if let order = ledger.recordEnded(id, of: context.name) { runner.orderCanceled(order, at: time) }
                case .amend:
                    break
                }
            }
        }

        func trade(_ trade: TradeTick) {
            // Fill what the trade reaches first, then tell the strategy about the trade.
            for order in working where order.instrument == trade.instrument {
                let reached: Bool
                switch order.type {
                case .market: reached = true
                default:
                    guard let price = order.price else { continue }
                    reached = order.side == .buy ? trade.price < price : trade.price > price
                }
                guard reached else { continue }
                working.removeAll { $0.clientOrderId == order.clientOrderId }
                fillNumber += 1
                let fill = Fill(clientOrderId: order.clientOrderId, venueOrderId: VenueOrderId("PAPER-\(fillNumber)"), strategy: order.strategy,
                                instrument: order.instrument, side: order.side, positionSide: .net,
                                price: order.type == .market ? trade.price : order.price ?? trade.price, quantity: order.quantity,
                                fee: .zero, feeCurrency: order.instrument.quote, liquidity: order.type == .market ? .taker : .maker,
                                timestamp: trade.timestamp)
                fills.append(fill)
                #expect(Self.ran(self.fill(fill)))
            }
            process(at: trade.timestamp)
            if runner.aggregate(trade: trade) { deliverBars(at: trade.timestamp) }
            _ = runner.deliver(.trade(trade))
            process(at: trade.timestamp)
        }

        /// A candle: into the bars (delivering those it completes), then to the strategy.
        func candle(_ candle: Candle) {
            if runner.aggregate(candle: candle) { deliverBars(at: candle.openTime) }
            _ = runner.deliver(.candle(candle))
            process(at: candle.openTime)
        }

        /// Whether a callback ran to its end, or was not called because the strategy does not
        /// implement it (``UnusedCallback``).
        static func ran(_ result: CallbackResult) -> Bool {
            switch result {
            case .completed, .skipped: true
            case .completedOverBudget, .halted: false
            }
        }

        /// Delivers the completed bars, each one's orders accepted before the next.
        func deliverBars(at time: Timestamp) {
            while let result = runner.deliverCompletedBar(at: time) {
                #expect(Self.ran(result))
                process(at: time)
            }
        }

        /// Accounts a fill in the ledger (ending a filled order) and tells the strategy.
        @discardableResult
        func fill(_ fill: Fill) -> CallbackResult {
            _ = try? ledger.apply(fill)
            if ledger.openOrder(fill.clientOrderId, of: fill.strategy)?.remainingQuantity.isZero == true {
                ledger.recordEnded(fill.clientOrderId, of: fill.strategy)
            }
            return runner.fill(fill)
        }

        func book(_ book: OrderBook) {
            _ = runner.deliverBook(book)
            process(at: book.timestamp)
        }
    }

    static let fiveSecondTradeBars = BarSpecification(interval: BarInterval(nanoseconds: 5_000_000_000)!, source: .trades)
    static let minuteCandleBars = BarSpecification(interval: BarInterval(nanoseconds: 60_000_000_000)!, source: .candles)

    @Test func smaCrossoverGoesLongOnGoldenCrossAndFlatOnDeathCross() throws {
        let harness = try Harness(plugin: "SMACrossover", strategy: "SMACrossover", instruments: [PluginTestSupport.btcUSDT], parameters: .object([
            "fast_period": .number("6"), "slow_period": .number("24"), "order_quantity": .number("0.01"),
        ]), bars: Self.fiveSecondTradeBars)
        for trade in try PluginTestSupport.recordedTrades() { harness.trade(trade) }
        #expect(harness.runner.isRunning)
        let sides = harness.submitted.map(\.side)
        #expect(sides.count >= 2, "expected at least one round trip on 11 minutes of BTC-USDT, got \(sides)")
        // Long-only: buys and sells alternate, starting with a buy, each 0.01 BTC.
        for (index, side) in sides.enumerated() { #expect(side == (index % 2 == 0 ? .buy : .sell)) }
        #expect(harness.submitted.allSatisfy { $0.type == .market && $0.quantity == Quantity(FixedPoint(units: 1, decimals: 2)) })
        let sellsReduceOnly = harness.submitted.filter { $0.side == .sell }.allSatisfy { $0.reduceOnly }
        #expect(sellsReduceOnly)
        let position = harness.context.position(PluginTestSupport.btcUSDT.id).netQuantity
        #expect(position == .zero || position == FixedPoint(units: 1, decimals: 2))
    }

    @Test func smaCrossoverDecisionOnHandMadeBars() throws {
        // Confirmed candles: 3 falling closes, then rising ones: the 2-bar average crosses the 3-bar one upward.
        let harness = try Harness(plugin: "SMACrossover", strategy: "SMACrossover", instruments: [PluginTestSupport.btcUSDT], parameters: .object([
            "fast_period": .number("2"), "slow_period": .number("3"), "order_quantity": .number("0.5"),
        ]), bars: Self.minuteCandleBars)
        let closes = ["100", "99", "98", "97", "99", "102"]
        for (index, close) in closes.enumerated() {
            let price = try Price(parsing: close)
            let candle = Candle(instrument: PluginTestSupport.btcUSDT.id, interval: .oneMinute, openTime: Timestamp(millisecondsSinceEpoch: Int64(index) * 60_000),
                                open: price, high: price, low: price, close: price, volume: Quantity(FixedPoint(1)), isConfirmed: true)
            harness.candle(candle)
        }
        // Bars: SMA3 ready at bar 3 (fast 98.5 < slow 99: regime -1); bar 5: fast 98 = (97+99)/2 vs slow 98: equal keeps regime;
        // bar 6: fast 100.5 > slow 99.33: golden cross -> buy 0.5.
        #expect(harness.submitted.map(\.side) == [.buy])
        #expect(harness.submitted.first?.quantity == Quantity(FixedPoint(units: 5, decimals: 1)))
    }

    @Test func meanReversionBuysTheDipAndExitsOnReversion() throws {
        let harness = try Harness(plugin: "MeanReversion", strategy: "MeanReversion", instruments: [PluginTestSupport.btcUSDT], parameters: .object([
            "window": .number("30"), "entry_z": .number("1.8"), "exit_z": .number("0.3"), "stop_z": .number("4"),
            "order_quantity": .number("0.01"),
        ]), bars: Self.fiveSecondTradeBars)
        for trade in try PluginTestSupport.recordedTrades() { harness.trade(trade) }
        let sides = harness.submitted.map(\.side)
        #expect(sides.count >= 2, "expected at least one entry and exit on 11 minutes of BTC-USDT, got \(sides)")
        for (index, side) in sides.enumerated() { #expect(side == (index % 2 == 0 ? .buy : .sell)) }
        #expect(harness.fills.count == harness.submitted.count || harness.fills.count == harness.submitted.count - 1)
    }

    @Test func meanReversionHandMadeSeries() throws {
        let harness = try Harness(plugin: "MeanReversion", strategy: "MeanReversion", instruments: [PluginTestSupport.btcUSDT], parameters: .object([
            "window": .number("5"), "entry_z": .number("1.5"), "exit_z": .number("0.5"), "order_quantity": .number("1"),
        ]), bars: Self.minuteCandleBars)
        func bar(_ index: Int, _ close: String) throws {
            let price = try Price(parsing: close)
            let candle = Candle(instrument: PluginTestSupport.btcUSDT.id, interval: .oneMinute, openTime: Timestamp(millisecondsSinceEpoch: Int64(index) * 60_000),
                                open: price, high: price, low: price, close: price, volume: Quantity(FixedPoint(1)), isConfirmed: true)
            harness.candle(candle)
        }
        for (index, close) in ["100", "101", "100", "101", "100"].enumerated() { try bar(index, close) }
        #expect(harness.submitted.isEmpty)
        try bar(5, "95") // window 101,100,101,100,95: mean 99.4, sd 2.24, z = -1.96 -> buy
        #expect(harness.submitted.map(\.side) == [.buy])
        // Pretend it filled at 95.
        let buy = try #require(harness.submitted.first)
        _ = harness.fill(Fill(clientOrderId: buy.clientOrderId, venueOrderId: VenueOrderId("PAPER-1"), strategy: buy.strategy, instrument: buy.instrument,
                                     side: .buy, positionSide: .net, price: try Price(parsing: "95"), quantity: buy.quantity, fee: .zero,
                                     feeCurrency: "USDT", liquidity: .taker, timestamp: Timestamp(millisecondsSinceEpoch: 300_000)))
        try bar(6, "100") // window 100,101,100,95,100: mean 99.2, z(100) = +0.37 >= -0.5 -> exit
        #expect(harness.submitted.map(\.side) == [.buy, .sell])
        #expect(harness.submitted.last?.reduceOnly == true)
    }

    private func book(bid: String, ask: String, at millis: Int64) throws -> OrderBook {
        OrderBook(instrument: PluginTestSupport.btcUSDT.id,
                  bids: [BookLevel(price: try Price(parsing: bid), size: Quantity(FixedPoint(1)), orderCount: 1)],
                  asks: [BookLevel(price: try Price(parsing: ask), size: Quantity(FixedPoint(1)), orderCount: 1)],
                  timestamp: Timestamp(millisecondsSinceEpoch: millis))
    }

    @Test func marketMakerQuotesBothSidesAndSkewsAgainstInventory() throws {
        let harness = try Harness(plugin: "MarketMaker", strategy: "MarketMaker", instruments: [PluginTestSupport.btcUSDT], parameters: .object([
            "order_quantity": .number("0.002"), "half_spread_bps": .number("2"), "max_inventory": .number("0.004"),
            "skew_bps": .number("4"), "requote_bps": .number("0.5"), "min_requote_ms": .number("0"), "allow_short": .bool(true),
        ]))
        harness.book(try book(bid: "60000.0", ask: "60000.2", at: 0))
        // Mid 60000.1, half spread 12.0002: bid 59988.0 (down), ask 60012.2 (up).
        let quotes = harness.submitted
        #expect(quotes.count == 2)
        #expect(quotes.allSatisfy { $0.type == .postOnly })
        let bid = try #require(quotes.first { $0.side == .buy })
        let ask = try #require(quotes.first { $0.side == .sell })
        #expect(bid.price == (try Price(parsing: "59988")))
        #expect(ask.price == (try Price(parsing: "60012.2")))

        // The bid fills: inventory 0.002 = half the maximum, so both quotes move down by 2 bps of the mid.
        _ = harness.fill(Fill(clientOrderId: bid.clientOrderId, venueOrderId: VenueOrderId("PAPER-1"), strategy: bid.strategy, instrument: bid.instrument,
                                     side: .buy, positionSide: .net, price: try #require(bid.price), quantity: bid.quantity, fee: .zero,
                                     feeCurrency: "USDT", liquidity: .maker, timestamp: Timestamp(millisecondsSinceEpoch: 1)))
        harness.book(try book(bid: "60000.0", ask: "60000.2", at: 2))
        let requotes = Array(harness.submitted.dropFirst(2))
        let newBid = try #require(requotes.first { $0.side == .buy })
        let newAsk = try #require(requotes.first { $0.side == .sell })
        #expect(try #require(newBid.price) < (try #require(bid.price)))
        #expect(try #require(newAsk.price) < (try #require(ask.price)))
        #expect(harness.canceled >= 1) // the old ask was replaced

        // At maximum inventory it stops bidding.
        _ = harness.fill(Fill(clientOrderId: newBid.clientOrderId, venueOrderId: VenueOrderId("PAPER-2"), strategy: newBid.strategy, instrument: newBid.instrument,
                                     side: .buy, positionSide: .net, price: try #require(newBid.price), quantity: newBid.quantity, fee: .zero,
                                     feeCurrency: "USDT", liquidity: .maker, timestamp: Timestamp(millisecondsSinceEpoch: 3)))
        harness.book(try book(bid: "60000.0", ask: "60000.2", at: 4))
        let open = harness.context.openOrders(for: PluginTestSupport.btcUSDT.id)
        #expect(!open.contains { $0.side == .buy && $0.state != .pendingCancel })
        #expect(open.contains { $0.side == .sell })
    }

    @Test func marketMakerTradesOnRecordedTrades() throws {
        // Books built from the recorded trade stream: a 0.1-wide book around each trade price.
        let harness = try Harness(plugin: "MarketMaker", strategy: "MarketMaker", instruments: [PluginTestSupport.btcUSDT], parameters: .object([
            "order_quantity": .number("0.002"), "half_spread_bps": .number("1"), "max_inventory": .number("0.01"),
            "allow_short": .bool(true), "min_requote_ms": .number("200"),
        ]))
        for trade in try PluginTestSupport.recordedTrades(limit: 5000) {
            harness.trade(trade)
            let bid = trade.price
            let ask = Price(trade.price.value + FixedPoint(units: 1, decimals: 2))
            harness.book(OrderBook(instrument: trade.instrument, bids: [BookLevel(price: bid, size: Quantity(FixedPoint(1)), orderCount: 1)],
                                   asks: [BookLevel(price: ask, size: Quantity(FixedPoint(1)), orderCount: 1)], timestamp: trade.timestamp))
        }
        #expect(harness.runner.isRunning)
        #expect(harness.fills.contains { $0.side == .buy })
        #expect(harness.fills.contains { $0.side == .sell })
        let inventory = harness.context.position(PluginTestSupport.btcUSDT.id).netQuantity.magnitude
        #expect(inventory <= FixedPoint(units: 1, decimals: 2))
    }
}
