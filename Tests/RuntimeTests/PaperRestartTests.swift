import Foundation
import Logging
import MarketData
import Portfolio
import PostgresNIO
import RuntimeHost
import Storage
import TestSupport
import Testing
import TradingCore

/// A paper host that stops and starts again rebuilds its positions from the database, and they
/// are what they were when it stopped: holdings, entries, realized PnL and the fees paid, so that
/// a strategy's equity is the same before and after the restart.
@Suite(.watchdog) struct PaperRestartTests {
    static func settings() throws -> HostSettings {
        var settings = try HostSettings.load(path: PluginTestSupport.packageRoot.appendingPathComponent("config/runtime.yaml").path)
        settings.host.metricsPort = 0
        return settings
    }

    static func plan(_ client: PostgresClient, target: DatabaseTarget) async throws -> HostPlan {
        try await HostLauncher.prepare(mode: .paper, only: nil, settings: try settings(), catalog: PluginTestSupport.catalog,
                                       loader: PluginLoader(searchPaths: [PluginTestSupport.binDirectory]),
                                       target: target, client: client, logger: Logger(label: "test.restart"))
    }

    /// What must survive a restart, per position: quantity and direction, entry, realized PnL, fees.
    static func fingerprint(_ records: [PortfolioPositionRecord]) -> [String] {
        records.filter { !$0.quantity.isZero }
            .map { "\($0.strategy) \($0.symbol) \($0.side) \($0.quantity) \($0.avgEntryPrice) \($0.realizedPnl) fees \($0.fees)" }
            .sorted()
    }

    /// Each strategy's equity and its parts (realized, fees, unrealized), every position marked to
    /// the same `price` first, so that the two portfolios are compared at one mark.
    static func equity(_ portfolio: Portfolio, markedTo price: Price, at time: Timestamp) -> [String] {
        let instruments = Set(portfolio.records().map(\.symbol))
        for instrument in instruments { portfolio.mark(instrument, price: price, at: time) }
        return portfolio.strategies.map { strategy in
            let positions = portfolio.records().filter { $0.strategy == strategy }
            let realized = positions.reduce(Money.zero) { $0 + $1.realizedPnl }
            let fees = positions.reduce(Money.zero) { $0 + $1.fees }
            let unrealized = positions.reduce(Money.zero) { $0 + $1.unrealizedPnl }
            return "\(strategy) realized \(realized) fees \(fees) unrealized \(unrealized) equity \(portfolio.equity(of: strategy))"
        }
    }

    /// Runs a paper host on `plan` over a seeded synthetic BTC-USDT market starting at `start`
    /// (now by default), 20 ms of event time a step, until the feed ends, and gives its strategies free.
    static let stepNanoseconds: Int64 = 20_000_000

    static func run(_ plan: HostPlan, target: DatabaseTarget, seed: UInt64, steps: Int,
                    from start: Timestamp = WallClock.now()) async throws -> EngineSummary {
        let market = SyntheticMarket(instruments: [try InstrumentId(parsing: "BTC-USDT")], seed: seed, start: start,
                                     stepNanoseconds: stepNanoseconds)
        let session = HostSession(engine: plan.engine, persistence: plan.persistence,
                                  feed: SyntheticFeed(market: market, steps: steps), liveFeed: nil,
                                  target: target, settings: try settings(), strategies: plan.strategies,
                                  logger: Logger(label: "test.restart"))
        let summary = await session.run()
        await plan.releaseLocks()
        return summary
    }

    @Test func theDailyRollupAfterARestartCountsTheTradesOfTheRunBefore() async throws {
        try await ScratchDatabase.with { database, client in
            let path = PluginTestSupport.packageRoot.appendingPathComponent("strategies/market_maker.yaml").path
            try await OperatorTestSupport.deploy(try String(contentsOfFile: path, encoding: .utf8), client: client)
            // A restarted host restores the trades of today by the wall clock, while a synthetic
            // feed runs ahead of it: both runs' events must follow each other and share the
            // clock's date, as a live feed's would. Close to midnight, wait for the new day.
            let steps = 10_000
            let span = Int64(2 * steps) * Self.stepNanoseconds + 60_000_000_000
            let now = WallClock.now()
            let midnight = UTCDate(containing: now).end
            if now.advanced(byNanoseconds: span) >= midnight {
                try await Task.sleep(for: .nanoseconds(midnight.nanosecondsSinceEpoch - now.nanosecondsSinceEpoch + 1_000_000_000))
            }
            let start = WallClock.now()
            let first = try await Self.run(try await Self.plan(client, target: database.target), target: database.target,
                                           seed: 3, steps: steps, from: start)
            let second = try await Self.run(try await Self.plan(client, target: database.target), target: database.target,
                                            seed: 4, steps: steps,
                                            from: start.advanced(byNanoseconds: Int64(steps) * Self.stepNanoseconds))
            #expect(first.fills > 0 && second.fills > 0)

            // Per UTC date: the second host's row counts the first host's trades of the day too.
            let rollups = try await SQLTestQueries.strings(client, """
                SELECT p.date || ' ' || p.total_trades || ' ' || p.winning_trades || ' ' || p.losing_trades
                    || ' ' || p.total_pnl::text || ' ' || p.total_commission::text
                FROM strategy_performance p WHERE p.mode = 'paper' AND p.total_trades > 0 ORDER BY 1
                """)
            let recomputed = try await SQLTestQueries.strings(client, """
                SELECT (t.completed_at AT TIME ZONE 'UTC')::date || ' ' || count(*)
                    || ' ' || count(*) FILTER (WHERE t.realized_pnl <> 0 AND t.realized_pnl - CASE WHEN t.commission_asset = split_part(t.symbol, '-', 1)
                                               THEN round(t.commission * t.avg_fill_price, 12) ELSE t.commission END > 0)
                    || ' ' || count(*) FILTER (WHERE t.realized_pnl <> 0 AND t.realized_pnl - CASE WHEN t.commission_asset = split_part(t.symbol, '-', 1)
                                               THEN round(t.commission * t.avg_fill_price, 12) ELSE t.commission END < 0)
                    || ' ' || sum(t.realized_pnl)::numeric(38,12)::text
                    || ' ' || sum(CASE WHEN t.commission_asset = split_part(t.symbol, '-', 1)
                                       THEN round(t.commission * t.avg_fill_price, 12) ELSE t.commission END)::numeric(38,12)::text
                FROM trades t WHERE t.mode = 'paper' AND t.filled_quantity > 0 AND t.completed_at IS NOT NULL
                GROUP BY (t.completed_at AT TIME ZONE 'UTC')::date ORDER BY 1
                """)
            #expect(!rollups.isEmpty)
            #expect(rollups == recomputed, "\(rollups.joined(separator: "\n"))\n---\n\(recomputed.joined(separator: "\n"))")
        }
    }

    @Test func positionsAreRebuiltExactlyAfterARestart() async throws {
        try await ScratchDatabase.with { database, client in
            let path = PluginTestSupport.packageRoot.appendingPathComponent("strategies/market_maker.yaml").path
            try await OperatorTestSupport.deploy(try String(contentsOfFile: path, encoding: .utf8), client: client)

            let first = try await Self.plan(client, target: database.target)
            let market = SyntheticMarket(instruments: [try InstrumentId(parsing: "BTC-USDT")], seed: 3, start: WallClock.now())
            let session = HostSession(engine: first.engine, persistence: first.persistence,
                                      feed: SyntheticFeed(market: market, steps: 20_000), liveFeed: nil,
                                      target: database.target, settings: try Self.settings(), strategies: first.strategies,
                                      logger: Logger(label: "test.restart"))
            let summary = await session.run()
            await first.releaseLocks()
            #expect(summary.fills > 0)
            let before = Self.fingerprint(first.engine.portfolio.records())
            #expect(!before.isEmpty, "the market maker should hold inventory when it stops")

            let feesPaid = first.engine.portfolio.records().reduce(Money.zero) { $0 + $1.fees }
            #expect(feesPaid.value.isPositive, "the market maker pays fees on its fills")

            let second = try await Self.plan(client, target: database.target)
            let after = Self.fingerprint(second.engine.portfolio.records())
            await second.releaseLocks()
            #expect(after == before)

            // Equity at one mark, 1% above the last entry: realized PnL, fees and unrealized PnL
            // are what they were, so the equity is too.
            let entry = try #require(first.engine.portfolio.records().first { !$0.quantity.isZero }).avgEntryPrice
            let mark = Price(try entry.value.multiplied(by: try FixedPoint(parsing: "1.01"), rounding: .toNearestOrAwayFromZero))
            let now = WallClock.now()
            let equityBefore = Self.equity(first.engine.portfolio, markedTo: mark, at: now)
            let equityAfter = Self.equity(second.engine.portfolio, markedTo: mark, at: now)
            #expect(!equityBefore.isEmpty)
            #expect(equityAfter == equityBefore)
        }
    }
}

/// A net position that flipped from long to short is stored as two rows written in the same
/// instant (the long side written flat, the short side holding it): a restart restores the short.
@Suite(.watchdog) struct FlippedPositionRestartTests {
    @Test func aRestartAfterALongToShortFlipRestoresTheShort() async throws {
        try await ScratchDatabase.with { database, client in
            let path = PluginTestSupport.packageRoot.appendingPathComponent("strategies/market_maker.yaml").path
            try await OperatorTestSupport.deploy(try String(contentsOfFile: path, encoding: .utf8), client: client)
            let ids = try await SQLTestQueries.strings(client, "SELECT id::text FROM strategies WHERE name = 'market_maker'")
            let id = try #require(ids.first.flatMap(UUID.init(uuidString:)))
            let btc = try InstrumentId(parsing: "BTC-USDT")
            let flippedAt = WallClock.now()
            let realized = try Money(parsing: "12.5")
            // What the host writes for the fill that flips long 0.002 into short 0.001, no mark after.
            for (side, quantity) in [(PositionSide.long, "0"), (.short, "0.001")] {
                try await PositionRepository(client).upsert(Storage.PositionRecord(
                    strategyId: id, instrument: btc, side: side, quantity: try Quantity(parsing: quantity),
                    avgEntryPrice: try Price(parsing: "60000"), currentPrice: try Price(parsing: "60000"), realizedPnl: realized,
                    leverage: .one, openedAt: flippedAt, lastUpdated: flippedAt, mode: .paper))
            }
            let plan = try await PaperRestartTests.plan(client, target: database.target)
            await plan.releaseLocks()
            let restored = try #require(plan.engine.portfolio.records().first { $0.symbol == btc })
            let short = try Quantity(parsing: "0.001")
            #expect(restored.side == .short && restored.quantity == short)
            #expect(restored.realizedPnl == realized)
        }
    }
}
