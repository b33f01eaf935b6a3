// The per-event stages of the engine's hot path, one at a time, with allocations per operation:
// order-book update apply (BookSynchronizer on the recorded `books` stream), the data-quality
// check per trade, the full pre-trade risk check (percentiles: scalingFactor .one, so every sample
// is one check), and strategy dispatch (StrategyRunner.deliver into main's hand-tuned SMACrossover
// and into the shipped SMACrossover on host-built bars, side by side, both plugins loaded with
// PluginLoader from the executable's directory as the host does).
import Benchmark
import DataQuality
import Foundation
import Ledger
import MarketData
import Portfolio
import Risk
import RuntimeHost
@_spi(Host) import StrategyKit
import TradingCore

let btc: InstrumentId = {
    guard let id = try? InstrumentId(parsing: "BTC-USDT") else { fatalError("BTC-USDT must parse") }
    return id
}()
let btcInstrument = Instrument(id: btc, tickSize: Price(FixedPoint(units: 1, decimals: 1)),
                               lotSize: Quantity(FixedPoint(units: 1, decimals: 8)), minSize: Quantity(FixedPoint(units: 1, decimals: 5)))
let start = Timestamp(millisecondsSinceEpoch: 1_764_028_800_000)

/// Seeded synthetic BTC-USDT trades (the same generator the e2e harness uses), decoded once.
func syntheticTrades(_ count: Int) -> [TradeTick] {
    var market = SyntheticMarket(instruments: [btc], seed: 42, start: start, channels: [.trades])
    var codec = OKXCodec()
    var trades: [TradeTick] = []
    trades.reserveCapacity(count)
    while trades.count < count {
        for frame in market.nextFrames() {
            guard let message = try? codec.decode(frame.text) else { continue }
            for case .trade(let trade) in message.marketEvents { trades.append(trade) }
        }
    }
    return trades
}

/// The recorded `books` stream of the first instrument in books_snapshot_update.jsonl: its
/// snapshot, then its updates in order (checksums and seqIds as OKX sent them).
func recordedBookStream() -> [BookUpdate] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    let url = root.appendingPathComponent("Tests/Fixtures/okx/ws/books_snapshot_update.jsonl")
    guard let text = try? String(contentsOf: url, encoding: .utf8) else { fatalError("fixture \(url.path) is missing") }
    var codec = OKXCodec()
    var updates: [BookUpdate] = []
    for line in text.split(separator: "\n") {
        guard let message = try? codec.decode(String(line)) else { continue }
        for case .book(let update) in message.marketEvents { updates.append(update) }
    }
    guard let first = updates.first(where: { $0.action == .snapshot }) else { fatalError("no snapshot in the books fixture") }
    return updates.filter { $0.instrument == first.instrument }.drop(while: { $0.action != .snapshot }).map { $0 }
}

/// Mutable benchmark state (each benchmark closure is called once per sample).
final class Cursor: @unchecked Sendable {
    var index = 0
}

/// The trade stream played in a loop with time moving on: each pass is shifted past the one before,
/// so a strategy's bars keep completing (replayed as is, every pass after the first would be in the
/// past and no bar would ever complete again).
final class TradeLoop: @unchecked Sendable {
    var index = 0
    var shift: Int64 = 0
    /// The data's span plus one step: how far each pass moves time on.
    static let passNanoseconds = trades[trades.count - 1].timestamp.nanoseconds(since: trades[0].timestamp) + 100_000_000

    /// The next trade, stamped on the looped clock.
    @inline(__always) func next() -> TradeTick {
        if index == trades.count {
            index = 0
            shift += Self.passNanoseconds
        }
        var trade = trades[index]
        index += 1
        trade.timestamp = trade.timestamp.advanced(byNanoseconds: shift)
        return trade
    }
}

/// The quality checker and where it is in the trade stream (restarted at the end of the stream).
final class QualityState: @unchecked Sendable {
    var quality = QualityControl()
    var index = 0
}

let tradeCount = 400_000
let trades = syntheticTrades(tradeCount)
let bookStream = recordedBookStream()

/// strategies/sma_crossover.yaml's parameters (its 5 s bars of trades are the host's).
let smaParameters: ParameterValue = .object([
    "fast_period": .number("6"), "slow_period": .number("24"), "order_quantity": .number("0.01"), "allow_short": .bool(false),
])
/// The same strategy as main shipped it: it sampled its own 5 s bars of trades.
let handTunedParameters: ParameterValue = .object([
    "fast_period": .number("6"), "slow_period": .number("24"), "bar_seconds": .number("5"),
    "order_quantity": .number("0.01"), "price_source": .string("trades"), "allow_short": .bool(false),
])

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .cpuTotal],
        // 1,000 operations per sample: the per-sample overhead of the runner (clock and malloc
        // statistics reads) stays out of the per-operation figures.
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 300_000
    )

    // What the runner itself costs per sample (time and allocations): subtract from the rest.
    Benchmark("baseline: empty iteration") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(benchmark) }
    }

    // One iteration applies one recorded update; at the end of the stream it starts over with the snapshot.
    Benchmark("book update apply (BookSynchronizer, recorded books stream)") { benchmark in
        var book = BookSynchronizer(instrument: bookStream[0].instrument)
        var index = 0
        for _ in benchmark.scaledIterations {
            blackHole(book.apply(bookStream[index], now: bookStream[index].timestamp))
            index = index + 1 == bookStream.count ? 0 : index + 1
        }
    }

    let state = QualityState()
    Benchmark("QualityControl.check per trade", configuration: .init(maxIterations: tradeCount - 1)) { benchmark in
        for _ in benchmark.scaledIterations {
            if state.index == trades.count {
                state.index = 0
                state.quality = QualityControl()
            }
            let trade = trades[state.index]
            blackHole(state.quality.check(trade: trade, now: trade.timestamp))
            state.index += 1
        }
    }

    // The full pre-trade check of an order that passes every limit (counted in the rate window),
    // recorded as sent in the ledger as the engine does, then ended, as a venue reject would do.
    let ledger = TradingLedger(portfolio: Portfolio(instruments: [btcInstrument], mode: .replay))
    let risk = RiskEngine(account: AccountRiskLimits(), ledger: ledger)
    let limits = RiskLimits(maxOrderQuantity: Quantity(FixedPoint(units: 5, decimals: 2)), maxOrderNotional: Money(FixedPoint(5_000)),
                            maxPositionSize: Money(FixedPoint(5_000)), maxLeverage: FixedPoint(1), maxOrdersPerMinute: 30, maxOpenOrders: 4,
                            maxDailyLoss: Money(FixedPoint(500)), maxDrawdownPct: FixedPoint(10), maxConsecutiveLosses: 8,
                            allocatedCapital: Money(FixedPoint(10_000)))
    let handle = risk.register(strategy: "sma_crossover", instruments: [btcInstrument], limits: limits)
    let riskCursor = Cursor()
    let quantity = Quantity(FixedPoint(units: 1, decimals: 2))
    let bid = Price(FixedPoint(60_000)), ask = Price(FixedPoint(units: 600_001, decimals: 1))
    let percentiles = Benchmark.Configuration(metrics: [.wallClock, .mallocCountTotal, .cpuTotal], timeUnits: .nanoseconds, scalingFactor: .one,
                                              maxDuration: .seconds(2), maxIterations: 200_000)
    Benchmark("baseline: empty iteration, one per sample", configuration: percentiles) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(benchmark) }
    }
    Benchmark("RiskEngine.check, accepted limit order (+ ledger sent and ended)", configuration: percentiles) { benchmark in
        for _ in benchmark.scaledIterations {
            riskCursor.index += 1
            // 2.1 s apart: never near the 30/minute rate limit, so every check runs every limit and passes.
            let now = start.advanced(byNanoseconds: Int64(riskCursor.index) * 2_100_000_000)
            let request = OrderRequest(clientOrderId: ClientOrderId("bench"), strategy: "sma_crossover", instrument: btc, side: .buy, type: .limit,
                                       quantity: quantity, price: bid, createdAt: now)
            let market = MarketSnapshot(bestBid: bid, bestAsk: ask, mark: bid, bookIsValid: true, lastDataTime: now)
            blackHole(risk.check(request, strategy: handle, market: market))
            ledger.recordSent(request)
            ledger.recordEnded(request.clientOrderId, of: request.strategy)
        }
    }
    Benchmark("RiskEngine.check, rejected (quantity over limit)", configuration: percentiles) { benchmark in
        let big = Quantity(FixedPoint(1))
        for _ in benchmark.scaledIterations {
            let request = OrderRequest(clientOrderId: ClientOrderId("bench"), strategy: "sma_crossover", instrument: btc, side: .buy, type: .limit,
                                       quantity: big, price: bid, createdAt: start)
            let market = MarketSnapshot(bestBid: bid, bestAsk: ask, mark: bid, bookIsValid: true, lastDataTime: start)
            blackHole(risk.check(request, strategy: handle, market: market))
            _ = risk.drainOutputs(at: start)
        }
    }

    // Strategy dispatch, before and after the host built bars (issue 20), side by side in one run:
    // one trade per iteration (the strategy's order commands, if any, are taken out and dropped:
    // this measures the call, not risk or the venue). The trades loop with time moving on, so both
    // keep completing 5 s bars on every pass.
    //  - HandTunedSMACrossover: main's SMACrossover, kept as the reference. It samples its own 5 s
    //    bars from onTrade, with @exclusivity(unchecked) and an index cache in strategy code.
    //  - SMACrossover: the same strategy on the host's bars and the SDK's PerInstrument. The trade
    //    takes the engine's path: the runner's bar aggregator advances and takes it, each
    //    completed 5 s bar goes to onBar, then the trade goes to onTrade (subscribed, empty).
    let handTunedTrades = TradeLoop()
    let barTrades = TradeLoop()
    do {
        let loader = PluginLoader()
        let handTuned = try StrategyRunner(
            registration: try loader.registration(plugin: "HandTunedSMACrossover", strategy: "HandTunedSMACrossover"),
            context: StrategyContext(name: "hand_tuned_sma", instruments: [btcInstrument], allocatedCapital: Money(FixedPoint(10_000)),
                                     parameters: handTunedParameters, ledger: ledger.view(for: "hand_tuned_sma")),
            callbackBudget: .seconds(1))
        _ = handTuned.start(at: start)
        Benchmark("Strategy dispatch: deliver(trade) into HandTunedSMACrossover (main's SMACrossover, own bars)",
                  configuration: .init(maxIterations: tradeCount - 1)) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(handTuned.deliver(trade: handTunedTrades.next()))
                if handTuned.context.hasPendingCommands { blackHole(handTuned.context.takeOutbox()) }
            }
        }

        let context = StrategyContext(name: "sma_crossover", instruments: [btcInstrument], allocatedCapital: Money(FixedPoint(10_000)),
                                      parameters: smaParameters, ledger: ledger.view(for: "sma_crossover"))
        let runner = try StrategyRunner(registration: try loader.registration(plugin: "SMACrossover", strategy: "SMACrossover"),
                                        context: context, callbackBudget: .seconds(1),
                                        bars: BarAggregator(specification: BarSpecification(interval: try BarInterval(parsing: "5s"), source: .trades),
                                                            instruments: [btc]))
        _ = runner.start(at: start)
        Benchmark("Strategy dispatch: bars + deliver(trade) into SMACrossover (host 5s bars, onBar)",
                  configuration: .init(maxIterations: tradeCount - 1)) { benchmark in
            for _ in benchmark.scaledIterations {
                let trade = barTrades.next()
                if runner.advanceBars(to: trade.timestamp) {
                    while let result = runner.deliverCompletedBar(at: trade.timestamp) { blackHole(result) }
                }
                if runner.aggregate(trade: trade) {
                    while let result = runner.deliverCompletedBar(at: trade.timestamp) { blackHole(result) }
                }
                blackHole(runner.deliver(trade: trade))
                if context.hasPendingCommands { blackHole(context.takeOutbox()) }
            }
        }
    } catch {
        fatalError("SMACrossover plugins not loadable next to the benchmark executable: \(error)")
    }
}
