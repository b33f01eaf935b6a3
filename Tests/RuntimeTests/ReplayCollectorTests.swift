import Foundation
import Logging
import Reports
import RuntimeHost
import TestSupport
import Testing
import TradingCore

/// What the report is built from agrees with the engine's own accounts: the collector keeps no
/// ledger of its own, only the portfolio's records.
@Suite(.watchdog) struct ReplayCollectorTests {
    @Test func theCollectedEquityAndTradesAgreeWithThePortfolioAndTheSummary() async throws {
        let bars = BooklessReplayTests.secondBars(try PluginTestSupport.recordedTrades())
        let path = try BooklessReplayTests.candleRecording(bars, name: "collector")
        let engine = try BooklessReplayTests.engineOnBars(tag: "K")
        let collector = ReplayCollector(engine: engine)
        let summary = try await ReplaySession.run(recordings: [path], engine: engine, persistence: nil, collector: collector,
                                                  logger: Logger(label: "test.collector"))
        let report = collector.report(title: "t", facts: [], from: summary.firstEventTime, to: summary.lastEventTime)
        #expect(report.strategies.map(\.name) == ["mr_bars", "sma_bars"])
        for section in report.strategies {
            let name = StrategyName(section.name)
            let figures = try #require(summary.strategies[name])
            #expect(section.equity.first?.time == summary.firstEventTime && section.equity.last?.time == summary.lastEventTime)
            #expect(section.equity.first?.equity == engine.portfolio.allocatedCapital(of: name))
            #expect(section.equity.last?.equity == engine.portfolio.equity(of: name), "\(name)")
            #expect(zip(section.equity, section.equity.dropFirst()).allSatisfy { $0.time < $1.time }, "one point per instant, in order")
            #expect(section.statistics.fees == figures.fees, "\(name)")
            #expect(section.trades.map(\.realizedPnl).reduce(.zero, +) == figures.realizedPnl, "\(name)")
            #expect(section.trades.count > 0 && section.trades.allSatisfy { $0.fillModel == "candles" })
            // Held from the first fill on, in and out in turn, and still held at the end iff a position is open.
            let open = engine.portfolio.positions.values.contains { $0.key.strategy == name && !$0.signedQuantity.isZero }
            #expect(section.exposure.first?.exposed == true)
            #expect(section.exposure.enumerated().allSatisfy { $0.element.exposed == $0.offset.isMultiple(of: 2) }, "\(name)")
            #expect(section.exposure.last?.exposed == open, "\(name)")
        }
        #expect(report.total.statistics.netPnl == report.strategies.map(\.statistics.netPnl).reduce(.zero, +))
        #expect(report.total.statistics.trades == report.strategies.map(\.statistics.trades).reduce(0, +))
    }
}
