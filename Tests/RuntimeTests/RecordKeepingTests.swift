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
        // The replay turned records and rollups off for itself only.
        #expect(unread.keepsRecords && unread.rollsUpDaily && read.rollsUpDaily)
    }

    @Test func anEngineThatKeepsNoRecordsLeavesItsOutboxEmpty() throws {
        let bars = BooklessReplayTests.secondBars(try PluginTestSupport.recordedTrades())
        func play(keepingRecords: Bool) throws -> TradingEngine {
            let engine = try Self.engine(tag: "E")
            engine.keepsRecords = keepingRecords
            engine.start(at: bars[0].openTime)
            for bar in bars { engine.handle(.candle(bar), receivedAt: bar.openTime) }
            engine.stop(at: engine.clock)
            return engine
        }
        let engine = try play(keepingRecords: false)
        #expect(engine.summary.fills > 0)
        #expect(engine.outbox.isEmpty)

        let keeping = try play(keepingRecords: true)
        #expect(Self.decisions(keeping.summary) == Self.decisions(engine.summary))
        #expect(keeping.outbox.contains { if case .fill = $0 { true } else { false } })
        #expect(keeping.outbox.contains { if case .positionMark = $0 { true } else { false } })
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
            func turn(_ on: Bool) { if turnedOff == "records" { engine.keepsRecords = on } else { engine.rollsUpDaily = on } }
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
