// The per-event stages of the engine's hot path, one at a time, with allocations per operation:
// order-book update apply (BookSynchronizer on the recorded `books` stream), the data-quality
// check per trade, the full pre-trade risk check (percentiles: scalingFactor .one, so every sample
// is one check), and strategy dispatch (StrategyRunner.deliver into the shipped SMACrossover plugin,
// loaded with PluginLoader from the executable's directory as the host does).
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

/// The quality checker and where it is in the trade stream (restarted at the end of the stream).
final class QualityState: @unchecked Sendable {
    var quality = QualityControl()
    var index = 0
}

let tradeCount = 400_000
let trades = syntheticTrades(tradeCount)
let bookStream = recordedBookStream()

let smaParameters: ParameterValue = .object([
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

    // Strategy dispatch: one trade into the SMACrossover plugin per iteration (its order commands,
    // if any, are taken out and dropped: this measures the call, not risk or the venue).
    let dispatchCursor = Cursor()
    do {
        let registration = try PluginLoader().registration(plugin: "SMACrossover", strategy: "SMACrossover")
        let context = StrategyContext(name: "sma_crossover", instruments: [btcInstrument], allocatedCapital: Money(FixedPoint(10_000)),
                                      parameters: smaParameters, ledger: ledger.view(for: "sma_crossover"))
        let runner = try StrategyRunner(registration: registration, context: context, callbackBudget: .seconds(1))
        _ = runner.start(at: start)
        Benchmark("StrategyRunner.deliver(trade) into SMACrossover plugin", configuration: .init(maxIterations: tradeCount - 1)) { benchmark in
            for _ in benchmark.scaledIterations {
                if dispatchCursor.index == trades.count { dispatchCursor.index = 0 }
                blackHole(runner.deliver(.trade(trades[dispatchCursor.index])))
                dispatchCursor.index += 1
                if context.hasPendingCommands { blackHole(context.takeOutbox()) }
            }
        }
    } catch {
        fatalError("SMACrossover plugin not loadable next to the benchmark executable: \(error)")
    }
}
