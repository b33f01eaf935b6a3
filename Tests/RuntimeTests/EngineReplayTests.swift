import Foundation
import Logging
import MarketData
import RuntimeHost
import TestSupport
import Testing
import TradingCore

/// The three shipped strategies, loaded from their plugins through their manifests, trading a
/// replay through the same engine code the live host runs.
@Suite(.watchdog) struct EngineReplayTests {
    static let shippedManifests = ["sma_crossover", "mean_reversion", "market_maker"]

    static func strategies() throws -> [EngineStrategy] {
        let validator = ManifestValidator(plugins: PluginLoader(searchPaths: [PluginTestSupport.binDirectory]),
                                          instrument: { PluginTestSupport.catalog[$0] })
        return try shippedManifests.map { name in
            let path = PluginTestSupport.packageRoot.appendingPathComponent("strategies/\(name).yaml").path
            let text = try String(contentsOfFile: path, encoding: .utf8)
            return try EngineStrategy(validated: try validator.validate(yaml: text, source: path))
        }
    }

    /// Two hours of a seeded synthetic BTC-USDT market (trades, books5, tickers, candles) as raw frames.
    static func syntheticFrames() throws -> [ReceivedFrame] {
        let market = SyntheticMarket(instruments: [try InstrumentId(parsing: "BTC-USDT")], seed: 7,
                                     start: Timestamp(millisecondsSinceEpoch: 1_722_000_000_000))
        return SyntheticFeed(market: market, steps: 72_000).frames()
    }

    static func replay(_ frames: [ReceivedFrame]) async throws -> (EngineSummary, [EngineRecord]) {
        let engine = try TradingEngine(strategies: try strategies(), instruments: PluginTestSupport.catalog.instruments,
                                       quality: .standard, accountLimits: .init(), venue: .init(orderIdSessionTag: "T"),
                                       options: .init(mode: .replay, runTag: "T"), logger: Logger(label: "test.engine"))
        var records: [EngineRecord] = []
        let feed = ReplayFeed(frames: frames, label: "test")
        var started = false
        for event in feed.allEvents() {
            guard case .market(let marketEvent, let receivedAt) = event else { continue }
            if !started { engine.start(at: marketEvent.timestamp); started = true }
            engine.handle(marketEvent, receivedAt: receivedAt)
            records += engine.drainOutbox()
        }
        engine.stop(at: engine.clock)
        records += engine.drainOutbox()
        return (engine.summary, records)
    }

    /// What must be identical between two runs: every order row's content, in order.
    static func tradeFingerprint(_ records: [EngineRecord]) -> [String] {
        records.compactMap { record in
            switch record {
            case .order(let trade), .fill(let trade, _):
                "\(trade.clientOrderId) \(trade.side) \(trade.orderType) \(trade.quantity) \(trade.price.map(\.description) ?? "-") "
                    + "\(trade.status) \(trade.filledQuantity) \(trade.avgFillPrice.map(\.description) ?? "-") \(trade.commission) \(trade.realizedPnl)"
            default:
                nil
            }
        }
    }

    @Test func everyShippedStrategyTradesInAReplayThroughItsPlugin() async throws {
        let (summary, records) = try await Self.replay(try Self.syntheticFrames())
        #expect(summary.decodeErrors == 0)
        #expect(summary.trades > 10_000)
        for name in Self.shippedManifests {
            let figures = try #require(summary.strategies[StrategyName(name)])
            #expect(figures.orders > 0, "\(name) placed no order")
            #expect(figures.fills > 0, "\(name) got no fill")
        }
        let fills = records.filter { if case .fill = $0 { true } else { false } }
        #expect(fills.count == summary.fills)
        let performance = records.filter { if case .performance = $0 { true } else { false } }
        #expect(!performance.isEmpty, "the partial day is rolled up on stop")
    }

    @Test func aReplayRunTwiceGivesIdenticalTrades() async throws {
        let frames = try Self.syntheticFrames()
        let first = try await Self.replay(frames)
        let second = try await Self.replay(frames)
        // Everything but the wall-clock measurement of slow callbacks is the same.
        var firstSummary = first.0
        var secondSummary = second.0
        firstSummary.budgetOverruns = 0
        secondSummary.budgetOverruns = 0
        #expect(firstSummary == secondSummary)
        let fingerprint = Self.tradeFingerprint(first.1)
        #expect(!fingerprint.isEmpty)
        #expect(fingerprint == Self.tradeFingerprint(second.1))
    }

    @Test func realFixturesReplayWithoutDecodeErrorsOrFalseRejections() async throws {
        let paths = ["trades.jsonl", "tickers.jsonl", "books5.jsonl", "candle1m.jsonl"].map {
            PluginTestSupport.packageRoot.appendingPathComponent("Tests/Fixtures/okx/ws/\($0)").path
        }
        let (summary, _) = try await Self.replay(try RecordedFrames.load(paths: paths))
        #expect(summary.decodeErrors == 0)
        #expect(summary.rejected.isEmpty, "false rejections: \(summary.rejected)")
        #expect(summary.events > 100)
    }
}
