import Foundation
import Logging
import MarketData
import PostgresNIO
import Risk
import RuntimeHost
import Storage
import TestSupport
import Testing
import TradingCore

/// The post-trade risk monitors survive a paper host's restart: peak equity (max_drawdown_pct),
/// the day's opening equity (max_daily_loss) and the run of losing trades
/// (max_consecutive_losses) are what they were when the host stopped, so a strategy near a limit
/// cannot lose as much again just because its host restarted.
@Suite(.watchdog) struct RiskMonitorRestartTests {
    static let name: StrategyName = "mm_monitors"

    /// The shipped market maker with a 1 % drawdown limit and a daily loss limit out of the way,
    /// so that a drawdown is what halts it.
    static func manifest() throws -> String {
        try ReplayPersistenceTests.tightManifest(name: name.rawValue, ["max_daily_loss: 300": "max_daily_loss: 5000",
                                                                       "max_drawdown_pct: 10": "max_drawdown_pct: 1"])
    }

    /// Feeds losing trades until the monitor moves the strategy; returns how many it took.
    static func lossesUntilTransition(_ risk: RiskEngine, at time: Timestamp) -> (count: Int, to: StrategyTradingState?) {
        for count in 1...100 {
            if let transition = risk.recordClosedTrade(realizedPnL: Money(FixedPoint(-1)), for: name, at: time) {
                return (count, transition.to)
            }
        }
        return (0, nil)
    }

    @Test func peakEquityDailyOpeningAndLosingStreakSurviveARestartAndDecideAlike() async throws {
        let phase = Phase("creating the database")
        try await ScratchDatabase.with { database, client in
            phase.enter("deploying and planning")
            try await OperatorTestSupport.deploy(try Self.manifest(), client: client)
            let first = try await PaperRestartTests.plan(client, target: database.target)
            phase.enter("running the first host")
            let summary = try await PaperRestartTests.run(first, target: database.target, seed: 3, steps: 20_000)
            phase.enter("checking the stored monitors")
            #expect(summary.fills > 0)
            let before = try #require(first.engine.risk.snapshot(of: Self.name)).monitors
            let peak = try #require(before.peakEquity)
            #expect(before.drawdownPct.isPositive, "the market maker should end below its peak equity")
            #expect(before.dayOpenEquity != nil && before.utcDay != nil)
            #expect(before.consecutiveLosses > 0, "the market maker should end on a losing streak")

            // The table holds the equity marks the monitors held when the host stopped; the losing
            // streak is counted from the trades table alone.
            let rows = try await RiskMonitorRepository(client).monitors(mode: .paper)
            #expect(rows.count == 1)
            let row = try #require(rows.first)
            #expect(row.peakEquity == before.peakEquity && row.lastEquity == before.lastEquity)
            #expect(row.dayOpenEquity == before.dayOpenEquity && row.utcDay == before.utcDay)
            #expect(try await TradeRepository(client).trailingLossRuns(mode: .paper)[row.strategyId] ?? 0 == before.consecutiveLosses)

            // After the restart the monitors are the same, and so is the drawdown they report.
            phase.enter("planning the restarted host")
            let second = try await PaperRestartTests.plan(client, target: database.target)
            await second.releaseLocks()
            phase.enter("comparing the monitors")
            let after = try #require(second.engine.risk.snapshot(of: Self.name)).monitors
            #expect(after == before)
            #expect(after.drawdownPct == before.drawdownPct)
            #expect(after.dailyLoss == before.dailyLoss)
            #expect(second.engine.risk.state(of: Self.name) == first.engine.risk.state(of: Self.name))

            // The host that stopped and the one that restarted decide alike: the same number of
            // further losing trades moves the strategy to reduce-only...
            let time = WallClock.now()
            let stayed = Self.lossesUntilTransition(first.engine.risk, at: time)
            let restarted = Self.lossesUntilTransition(second.engine.risk, at: time)
            #expect(stayed.to == .reducing && restarted.to == .reducing)
            #expect(restarted.count == stayed.count)
            #expect(restarted.count == 16 - before.consecutiveLosses, "reduce-only at 80 % of max_consecutive_losses 20")

            // ...and an equity 1 % below the peak of the last run halts both, on the same drawdown,
            // where a monitor that had forgotten the peak would see none.
            let fall = Money(try peak.value.multiplied(by: try FixedPoint(parsing: "0.99"), rounding: .down))
            let stayedHalt = try #require(first.engine.risk.recordEquity(fall, for: Self.name, at: time))
            let restartedHalt = try #require(second.engine.risk.recordEquity(fall, for: Self.name, at: time))
            #expect(restartedHalt.to == .halted && stayedHalt.to == .halted)
            #expect(restartedHalt.event.metricName == "drawdown_pct")
            #expect(restartedHalt.event.metricValue == stayedHalt.event.metricValue)
            #expect(restartedHalt.event.metricValue.map { $0 >= FixedPoint(1) } == true)
            phase.enter("body done; closing the client and dropping the database")
        }
        phase.enter("done")
    }

    /// Equity is allocated capital plus PnL: marks taken before a redeployment with more capital
    /// move by the difference (the drawdown in money stays), and a replay ignores them.
    @Test func storedMarksFollowACapitalChangeAndAReplayStartsFresh() async throws {
        try await ScratchDatabase.with { database, client in
            try await OperatorTestSupport.deploy(try Self.manifest(), client: client)
            let id = try #require(try await SQLTestQueries.strings(client, "SELECT id::text FROM strategies WHERE name = '\(Self.name)'").first)
            let today = WallClock.now().utcDayNumber
            try await RiskMonitorRepository(client).upsert(RiskMonitorRecord(
                strategyId: try #require(UUID(uuidString: id)), mode: .paper, utcDay: today,
                dayOpenEquity: Money(FixedPoint(10_000)), lastEquity: Money(FixedPoint(9_950)), peakEquity: Money(FixedPoint(10_050)),
                allocatedCapital: Money(FixedPoint(10_000)), updatedAt: WallClock.now()))
            let paper = try await PaperRestartTests.plan(client, target: database.target)
            await paper.releaseLocks()
            #expect(paper.engine.risk.snapshot(of: Self.name)?.monitors
                == MonitorState(utcDay: today, dayOpenEquity: Money(FixedPoint(10_000)), lastEquity: Money(FixedPoint(9_950)),
                                peakEquity: Money(FixedPoint(10_050))))

            try await OperatorTestSupport.deploy(try Self.manifest().replacingOccurrences(of: "allocated_capital: 10000",
                                                                                        with: "allocated_capital: 20000"),
                                                 client: client)
            let richer = try await PaperRestartTests.plan(client, target: database.target)
            await richer.releaseLocks()
            let moved = try #require(richer.engine.risk.snapshot(of: Self.name)?.monitors)
            #expect(moved == MonitorState(utcDay: today, dayOpenEquity: Money(FixedPoint(20_000)), lastEquity: Money(FixedPoint(19_950)),
                                          peakEquity: Money(FixedPoint(20_050))))
            #expect(moved.dailyLoss == Money(FixedPoint(50)))

            let replay = try await HostLauncher.prepare(mode: .replay, only: nil, settings: try PaperRestartTests.settings(),
                                                        catalog: PluginTestSupport.catalog,
                                                        loader: PluginLoader(searchPaths: [PluginTestSupport.binDirectory]),
                                                        target: database.target, client: client, logger: Logger(label: "test.monitors"))
            #expect(replay.engine.risk.snapshot(of: Self.name)?.monitors == MonitorState())
            #expect(replay.persistence.riskMonitors == nil)
        }
    }
}
