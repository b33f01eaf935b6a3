import Logging
import Portfolio
import RuntimeHost
import TestSupport
import Testing
import TradingCore

/// A replay whose records nobody reads (no persistence, no report) does not make them, and
/// trades exactly as one whose records are read.
@Suite(.watchdog) struct RecordKeepingTests {
    static func engine(tag: String) throws -> TradingEngine {
        try TradingEngine(strategies: [try BooklessReplayTests.strategy("sma_crossover", onCandlesAs: "sma_bars"),
                                       try BooklessReplayTests.strategy("mean_reversion", onCandlesAs: "mr_bars")],
                          instruments: PluginTestSupport.catalog.instruments, quality: .standard, accountLimits: .init(),
                          venue: .init(orderIdSessionTag: tag), options: .init(mode: .replay, runTag: tag),
                          logger: Logger(label: "test.records"))
    }

    /// What the engine decided and counted; callbacks over their wall-clock budget are not a decision.
    static func decisions(_ summary: EngineSummary) -> EngineSummary {
        var summary = summary
        summary.budgetOverruns = 0
        return summary
    }

    @Test func aReplayNobodyReadsDecidesTheSameWithoutRecords() async throws {
        let bars = BooklessReplayTests.secondBars(try PluginTestSupport.recordedTrades())
        let path = try BooklessReplayTests.candleRecording(bars, name: "record-keeping")
        let logger = Logger(label: "test.records")

        let read = try Self.engine(tag: "K")
        let collector = ReplayCollector(engine: read)
        let withRecords = try await ReplaySession.run(recordings: [path], engine: read, persistence: nil, collector: collector, logger: logger)

        let unread = try Self.engine(tag: "K")
        let withoutRecords = try await ReplaySession.run(recordings: [path], engine: unread, persistence: nil, logger: logger)

        #expect(withRecords.fills > 0, "outcomes: \(withRecords.venueOutcomes)")
        #expect(Self.decisions(withoutRecords) == Self.decisions(withRecords))
        #expect(!collector.trades(of: StrategyName("sma_bars")).isEmpty, "the collector read the kept records")
        // Each replay kept only what it read, for itself only.
        #expect(unread.keptRecords == .all && read.keptRecords == .all)
    }

    @Test func anEngineThatKeepsNoRecordsLeavesItsOutboxEmpty() throws {
        let bars = BooklessReplayTests.secondBars(try PluginTestSupport.recordedTrades())
        func play(keeping kinds: EngineRecord.Kinds) throws -> TradingEngine {
            let engine = try Self.engine(tag: "E")
            engine.keptRecords = kinds
            engine.start(at: bars[0].openTime)
            for bar in bars { engine.handle(.candle(bar), receivedAt: bar.openTime) }
            engine.stop(at: engine.clock)
            return engine
        }
        let engine = try play(keeping: [])
        #expect(engine.summary.fills > 0)
        #expect(engine.outbox.isEmpty)

        let keeping = try play(keeping: .all)
        #expect(Self.decisions(keeping.summary) == Self.decisions(engine.summary))
        func kinds(_ engine: TradingEngine) -> Set<String> {
            Set(engine.outbox.map { record in
                switch record {
                case .fill: "fill"
                case .positionMark: "positionMark"
                case .equity: "equity"
                case .performance: "performance"
                default: "other"
                }
            })
        }
        #expect(kinds(keeping).isSuperset(of: ["fill", "positionMark", "equity", "performance"]))
        // Each kind is kept or not on its own.
        #expect(kinds(try play(keeping: [.trading, .equity])) == ["fill", "equity", "other"])
        #expect(kinds(try play(keeping: [.positionMarks])) == ["positionMark"])
    }

    /// The daily rollups are records too: not worked out while records or rollups are off, and
    /// started over from the next UTC date when they come back (the recording crosses midnight UTC).
    @Test(arguments: ["records", "rollups"])
    func dailyRollupsComeBackFromTheNextDate(turnedOff: String) throws {
        let bars = BooklessReplayTests.secondBars(try PluginTestSupport.recordedTrades())
        let firstDate = UTCDate(containing: bars[0].openTime)
        try #require(bars.contains { $0.openTime >= firstDate.end }, "the recording crosses midnight UTC")
        func rollupDates(turningRecordsOnAfter offBars: Int) throws -> Set<UTCDate> {
            let engine = try Self.engine(tag: "D")
            func turn(_ on: Bool) {
                let off: EngineRecord.Kinds = turnedOff == "records" ? [] : EngineRecord.Kinds.all.subtracting(.dailyRollups)
                engine.keptRecords = on ? .all : off
            }
            turn(offBars == 0)
            engine.start(at: bars[0].openTime)
            for (index, bar) in bars.enumerated() {
                if index == offBars { turn(true) }
                engine.handle(.candle(bar), receivedAt: bar.openTime)
            }
            engine.stop(at: engine.clock)
            return Set(engine.outbox.compactMap { if case .performance(let row) = $0 { row.date } else { nil } })
        }
        #expect(try rollupDates(turningRecordsOnAfter: 0) == [firstDate, UTCDate(dayNumber: firstDate.dayNumber + 1)])
        #expect(try rollupDates(turningRecordsOnAfter: 10) == [UTCDate(dayNumber: firstDate.dayNumber + 1)])
    }
}
