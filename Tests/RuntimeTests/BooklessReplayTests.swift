import Execution
import Foundation
import Logging
import MarketData
import Portfolio
import RuntimeHost
import struct Storage.ScratchDatabase
@_spi(Host) import StrategyKit
import TestSupport
import Testing
import TradingCore

/// Real history without a book (issue 19): candles only, trades only, and candles followed by
/// trades, with the shipped strategies deployed through their plugins and manifests.
///
/// The market data is the real Binance BTC-USDT trades of Tests/Fixtures (about 11 minutes, MIT);
/// the candles are one-second bars built from them (real prices, none invented).
@Suite(.watchdog) struct BooklessReplayTests {
    static let btc = PluginTestSupport.btcUSDT.id

    /// One-second bars of `trades`: open, high, low and close of each second's prints, confirmed.
    static func secondBars(_ trades: [TradeTick]) -> [Candle] {
        var bars: [Candle] = []
        for trade in trades {
            let second = trade.timestamp.nanosecondsSinceEpoch / 1_000_000_000
            let openTime = Timestamp(nanosecondsSinceEpoch: second * 1_000_000_000)
            if var last = bars.last, last.openTime == openTime {
                last.high = max(last.high, trade.price)
                last.low = min(last.low, trade.price)
                last.close = trade.price
                last.volume = last.volume + trade.quantity
                bars[bars.count - 1] = last
            } else {
                bars.append(Candle(instrument: trade.instrument, interval: .oneSecond, openTime: openTime, open: trade.price,
                                   high: trade.price, low: trade.price, close: trade.price, volume: trade.quantity, isConfirmed: true))
            }
        }
        return bars
    }

    /// A shipped manifest, as shipped or redeployed under `rename` to trade confirmed one-second
    /// candles (one-second bars from candles), the way a quant points a strategy at bar history.
    static func strategy(_ manifest: String, onCandlesAs rename: String? = nil) throws -> EngineStrategy {
        let validator = ManifestValidator(plugins: PluginLoader(searchPaths: [PluginTestSupport.binDirectory]),
                                          instrument: { PluginTestSupport.catalog[$0] })
        let path = PluginTestSupport.packageRoot.appendingPathComponent("strategies/\(manifest).yaml").path
        return try EngineStrategy(validated: try validator.validate(yaml: try manifestText(manifest, onCandlesAs: rename), source: path))
    }

    /// The text of ``strategy(_:onCandlesAs:)``'s manifest.
    static func manifestText(_ manifest: String, onCandlesAs rename: String? = nil) throws -> String {
        let path = PluginTestSupport.packageRoot.appendingPathComponent("strategies/\(manifest).yaml").path
        var text = try String(contentsOfFile: path, encoding: .utf8)
        if let rename {
            for (shipped, variant) in [("name: \(manifest)\n", "name: \(rename)\n"), ("channels:\n  - trades\n", "channels:\n  - candle1s\n"),
                                       ("  interval: 5s\n  source: trades\n", "  interval: 1s\n  source: candles\n")] {
                #expect(text.contains(shipped), "strategies/\(manifest).yaml changed: no '\(shipped)'")
                text = text.replacingOccurrences(of: shipped, with: variant)
            }
        }
        return text
    }

    /// An engine with the shipped SMACrossover and MeanReversion on one-second bars (`sma_bars`,
    /// `mr_bars`), in replay mode with order ids tagged `tag`.
    static func engineOnBars(tag: String) throws -> TradingEngine {
        try TradingEngine(strategies: [try strategy("sma_crossover", onCandlesAs: "sma_bars"),
                                       try strategy("mean_reversion", onCandlesAs: "mr_bars")],
                          instruments: PluginTestSupport.catalog.instruments, quality: .standard, accountLimits: .init(),
                          venue: .init(orderIdSessionTag: tag), options: .init(mode: .replay, runTag: tag),
                          logger: Logger(label: "test.bookless"))
    }

    /// `bars` as a recording file of OKX candle1s pushes (confirmed), as `runtime record` writes them.
    static func candleRecording(_ bars: [Candle], name: String) throws -> String {
        let lines = bars.map { bar in
            let fields = [String(bar.openTime.nanosecondsSinceEpoch / 1_000_000), "\(bar.open)", "\(bar.high)", "\(bar.low)", "\(bar.close)",
                          "\(bar.volume)", "0", "0", "1"]
            let frame = #"{"arg":{"channel":"candle1s","instId":"BTC-USDT"},"data":[["# + fields.map { "\"\($0)\"" }.joined(separator: ",") + "]]}"
            return FrameRecording.line(for: ReceivedFrame(text: frame, receivedAt: bar.openTime.advanced(byNanoseconds: 1_000_000_000),
                                                          endpoint: .business))
        }
        let path = try PluginTestSupport.scratchDirectory(name) + "/bars.jsonl"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    struct Run {
        var summary: EngineSummary
        var records: [EngineRecord]
        var violations: [InvariantViolation]

        /// Each order's last row, in the order the orders first appeared.
        var orders: [TradeRecord] {
            var last: [ClientOrderId: TradeRecord] = [:]
            var sequence: [ClientOrderId] = []
            for record in records {
                let row: TradeRecord
                switch record {
                case .order(let trade), .fill(let trade, _): row = trade
                default: continue
                }
                if last.updateValue(row, forKey: row.clientOrderId) == nil { sequence.append(row.clientOrderId) }
            }
            return sequence.compactMap { last[$0] }
        }

        var fillRows: [TradeRecord] {
            records.compactMap { if case .fill(let trade, _) = $0 { trade } else { nil } }
        }

        var report: ReplayReport { ReplayReport(summary: summary, files: ["test"], speed: .max, persisted: false) }
    }

    /// Plays `events` through an engine with `strategies` and the invariant checker on.
    static func replay(_ events: [MarketEvent], strategies: [EngineStrategy]) throws -> Run {
        let engine = try TradingEngine(strategies: strategies, instruments: PluginTestSupport.catalog.instruments,
                                       quality: .standard, accountLimits: .init(), venue: .init(orderIdSessionTag: "T"),
                                       options: .init(mode: .replay, runTag: "T"), logger: Logger(label: "test.bookless"))
        engine.invariantChecker = InvariantChecker()
        var records: [EngineRecord] = []
        if let first = events.first { engine.start(at: first.timestamp) }
        for event in events {
            engine.handle(event, receivedAt: event.timestamp)
            records += engine.drainOutbox()
            if !engine.invariantViolations.isEmpty { break }
        }
        engine.stop(at: engine.clock)
        records += engine.drainOutbox()
        return Run(summary: engine.summary, records: records, violations: engine.invariantViolations)
    }

    @Test func aCandlesOnlyReplayFillsWithBarExecution() throws {
        let bars = Self.secondBars(try PluginTestSupport.recordedTrades())
        #expect(bars.count > 500)
        let run = try Self.replay(bars.map { .candle($0) },
                                  strategies: [try Self.strategy("sma_crossover", onCandlesAs: "sma_bars"),
                                               try Self.strategy("mean_reversion", onCandlesAs: "mr_bars")])
        #expect(run.violations.isEmpty, "\(run.violations)")
        #expect(run.summary.trades == 0 && run.summary.books == 0)
        #expect(run.summary.fills > 0, "outcomes: \(run.summary.venueOutcomes)")
        #expect(run.summary.strategies[StrategyName("sma_bars")]?.fills ?? 0 > 0)
        let figures = try #require(run.summary.instruments[Self.btc])
        #expect(figures.fillModel == .candles)
        #expect(figures.fills == [.candles: run.summary.fills])
        #expect(!run.fillRows.isEmpty && run.fillRows.allSatisfy { $0.notes == "fill_model=candles" })
        #expect((run.summary.venueOutcomes[.filled] ?? 0) > 0)
        #expect(run.summary.venueOutcomes[.noLiquidity] == nil)

        let report = run.report
        #expect(report.instruments["BTC-USDT"]?.fillModel == "candles")
        #expect(report.text.contains("BTC-USDT: fill_model candles"), "\(report.text)")
    }

    /// The same bars as a recording file (OKX candle1s pushes, confirmed), replayed the way
    /// `runtime replay FILE --no-persist` does.
    @Test func aRecordingOfCandlesReplaysWithFillsAndSaysWhichModel() async throws {
        let bars = Self.secondBars(try PluginTestSupport.recordedTrades())
        let path = try Self.candleRecording(bars, name: "candles-recording")
        let engine = try TradingEngine(strategies: [try Self.strategy("sma_crossover", onCandlesAs: "sma_bars")],
                                       instruments: PluginTestSupport.catalog.instruments, quality: .standard, accountLimits: .init(),
                                       venue: .init(orderIdSessionTag: "R"), options: .init(mode: .replay, runTag: "R"),
                                       logger: Logger(label: "test.bookless"))
        let summary = try await ReplaySession.run(recordings: [path], engine: engine, persistence: nil, logger: Logger(label: "test.bookless"))
        #expect(summary.decodeErrors == 0 && summary.candles == bars.count)
        #expect(summary.fills > 0, "outcomes: \(summary.venueOutcomes)")
        let report = ReplayReport(summary: summary, files: [path], speed: .max, persisted: false)
        let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        #expect(json.contains(#""fill_model":"candles""#), "\(json)")
        #expect(json.contains(#""filled":\#(summary.venueOutcomes[.filled] ?? -1)"#), "\(json)")
    }

    /// `runtime replay` of that recording with persistence: every trade row names its fill model
    /// in notes (migration 014), and `runtime trades --json` shows it.
    @Test func aPersistedCandlesReplayNamesTheFillModelOnEveryTradeRow() async throws {
        let path = try Self.candleRecording(Self.secondBars(try PluginTestSupport.recordedTrades()), name: "candles-persisted")
        try await ScratchDatabase.with { database, client in
            try await OperatorTestSupport.deploy(try Self.manifestText("sma_crossover", onCandlesAs: "sma_bars"), client: client)
            try await OperatorTestSupport.addCommandLineOperator(client: client)
            let environment = ["DATABASE_URL": database.target.url(), "RUNTIME_PLUGIN_PATH": PluginTestSupport.binDirectory]
            let replay = try await HostEndToEndTests.run(["replay", path], environment: environment)
            #expect(replay.status == 0, "\(replay.output)")
            #expect(replay.output.contains("BTC-USDT: fill_model candles"), "\(replay.output)")
            let notes = try await SQLTestQueries.strings(client, "SELECT DISTINCT coalesce(notes, '-') FROM trades WHERE filled_quantity > 0")
            #expect(notes == ["fill_model=candles"])
            let trades = try await HostEndToEndTests.run(["trades", "--mode", "replay", "--json"], environment: environment)
            #expect(trades.status == 0 && trades.standardOutput.contains(#""notes":"fill_model=candles""#), "\(trades.output)")

            // A replay that writes nothing leaves the persisted one's positions alone; the next
            // persisted replay supersedes them with its own (here the same ones again).
            let positions = "SELECT symbol || ' ' || side || ' ' || quantity || ' ' || realized_pnl FROM positions WHERE mode = 'replay'"
            let persisted = try await SQLTestQueries.strings(client, positions)
            #expect(!persisted.isEmpty)
            let unpersisted = try await HostEndToEndTests.run(["replay", path, "--no-persist"], environment: environment)
            #expect(unpersisted.status == 0, "\(unpersisted.output)")
            #expect(try await SQLTestQueries.strings(client, positions) == persisted)
            let again = try await HostEndToEndTests.run(["replay", path], environment: environment)
            #expect(again.status == 0, "\(again.output)")
            #expect(try await SQLTestQueries.strings(client, positions) == persisted)
        }
    }

    @Test func aTradesOnlyReplayFillsWithTradeExecution() throws {
        let trades = try PluginTestSupport.recordedTrades()
        let run = try Self.replay(trades.map { .trade($0) },
                                  strategies: [try Self.strategy("sma_crossover"), try Self.strategy("mean_reversion")])
        #expect(run.violations.isEmpty, "\(run.violations)")
        #expect(run.summary.fills > 0, "outcomes: \(run.summary.venueOutcomes)")
        #expect(run.summary.strategies[StrategyName("sma_crossover")]?.fills ?? 0 > 0)
        #expect(run.summary.instruments[Self.btc]?.fillModel == .trades)
        #expect(run.summary.instruments[Self.btc]?.fills == [.trades: run.summary.fills])
        #expect(run.fillRows.allSatisfy { $0.notes == "fill_model=trades" })
        #expect(run.summary.venueOutcomes[.noLiquidity] == nil)
        let json = String(decoding: try JSONEncoder().encode(run.report), as: UTF8.self)
        #expect(json.contains(#""fill_model":"trades""#), "\(json)")
    }

    /// Issue 19's motivating case: candles, then trades; the shipped strategies deployed as
    /// shipped (trades) and on bars; they trade and fill, positions and daily rollups agree with
    /// the trades, and a second run gives identical trades.
    @Test func candlesThenTradesWithTheShippedStrategies() throws {
        let trades = try PluginTestSupport.recordedTrades()
        let split = trades.count / 2
        let cut = trades[split].timestamp.nanosecondsSinceEpoch / 1_000_000_000 * 1_000_000_000
        let bars = Self.secondBars(Array(trades.prefix { $0.timestamp.nanosecondsSinceEpoch < cut }))
        let events: [MarketEvent] = bars.map { .candle($0) } + trades.filter { $0.timestamp.nanosecondsSinceEpoch >= cut }.map { .trade($0) }
        func strategies() throws -> [EngineStrategy] {
            try EngineReplayTests.shippedManifests.map { try Self.strategy($0) }
                + [try Self.strategy("sma_crossover", onCandlesAs: "sma_bars"), try Self.strategy("mean_reversion", onCandlesAs: "mr_bars")]
        }
        let run = try Self.replay(events, strategies: try strategies())
        #expect(run.violations.isEmpty, "positions, orders and equity agree with the trades rows: \(run.violations)")
        let figures = try #require(run.summary.instruments[Self.btc])
        #expect(figures.fillModel == .trades, "trades replace bars at the first trade")
        #expect((figures.fills[.candles] ?? 0) > 0, "\(figures)")
        #expect((figures.fills[.trades] ?? 0) > 0, "\(figures)")
        #expect(run.summary.strategies[StrategyName("sma_bars")]?.fills ?? 0 > 0)
        #expect(run.summary.strategies[StrategyName("sma_crossover")]?.fills ?? 0 > 0)

        // The daily rollups count the orders that filled and sum their realized PnL.
        let completed = run.orders.filter { $0.status.isTerminal && !$0.filledQuantity.isZero }
        var lastRows: [String: DailyPerformance] = [:]
        for case .performance(let row) in run.records { lastRows["\(row.strategy) \(row.date)"] = row }
        for name in run.summary.strategies.keys {
            let rows = lastRows.values.filter { $0.strategy == name }
            let mine = completed.filter { $0.strategy == name }
            #expect(rows.map(\.totalTrades).reduce(0, +) == mine.count, "\(name)")
            #expect(rows.map(\.totalPnl).reduce(.zero, +) == mine.map(\.realizedPnl).reduce(.zero, +), "\(name)")
        }

        let second = try Self.replay(events, strategies: try strategies())
        #expect(EngineReplayTests.tradeFingerprint(run.records) == EngineReplayTests.tradeFingerprint(second.records))
        #expect(run.fillRows.map(\.notes) == second.fillRows.map(\.notes))
    }

    @Test func aBookStillWinsInAReplayThatHasOne() async throws {
        let (summary, records) = try await EngineReplayTests.replay(try EngineReplayTests.syntheticFrames())
        #expect(summary.fills > 0)
        #expect(summary.instruments[Self.btc]?.fillModel == .book)
        #expect(summary.instruments[Self.btc]?.fills == [.book: summary.fills])
        let fills = records.compactMap { if case .fill(let trade, _) = $0 { trade } else { nil } }
        #expect(fills.allSatisfy { $0.notes == "fill_model=book" })
    }

    @Test func theSummaryCountsHowEveryOrderEnded() throws {
        let scenario = try EngineScenario(instruments: [PluginTestSupport.btcUSDT], channels: [.trades])
        let btc = Self.btc
        func q(_ text: String) throws -> Quantity { try Quantity(parsing: text) }
        var sent = false
        scenario.script.onTrade = { context, _ in
            guard !sent else { return }
            sent = true
            // At the ask: would take, refused.
            _ = try context.buyLimit(btc, quantity: try q("0.001"), price: try Price(parsing: "30000"), type: .postOnly)
            // Larger than the ask's 0.002: the rest is canceled, the book exhausted.
            _ = try context.buyMarket(btc, quantity: try q("0.003"))
            // Nothing left on the ask side of the venue's book.
            _ = try context.buyMarket(btc, quantity: try q("0.001"))
            // Rests below the bid, then the strategy cancels it.
            let resting = try context.buyLimit(btc, quantity: try q("0.001"), price: try Price(parsing: "29000"))
            try context.cancel(resting)
        }
        try scenario.book(btc, bids: [("29990", "1")], asks: [("30000", "0.002")])
        try scenario.trade(btc, "30000")
        scenario.stop()
        let summary = scenario.engine.summary
        #expect(summary.venueOutcomes == [.postOnlyRefused: 1, .bookExhausted: 1, .noLiquidity: 1, .canceled: 1])
        let report = ReplayReport(summary: summary, files: ["test"], speed: .max, persisted: false)
        #expect(report.venueOutcomes["no_liquidity"] == 1 && report.venueOutcomes["filled"] == 0)
        #expect(report.text.contains("canceled for no liquidity 1"), "\(report.text)")
        #expect(report.text.contains("post-only refused 1") && report.text.contains("book exhausted 1"), "\(report.text)")
    }
}
