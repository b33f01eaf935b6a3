import Foundation
import Logging
import MarketData
import PostgresNIO
import RuntimeHost
import Storage
import TestSupport
import Testing
import TradingCore

/// Replays through the host's own launcher and writers into a real PostgreSQL: the rows a quant
/// and a risk officer read afterwards must be consistent, complete and reproducible.
@Suite(.watchdog) struct ReplayPersistenceTests {
    /// Four hours of a seeded BTC-USDT market across a UTC midnight (two dates to roll up).
    static func frames() throws -> [ReceivedFrame] {
        let market = SyntheticMarket(instruments: [try InstrumentId(parsing: "BTC-USDT")], seed: 11,
                                     start: Timestamp(millisecondsSinceEpoch: 1_722_034_800_000), // 2024-07-26T23:00Z
                                     stepNanoseconds: 200_000_000)
        return SyntheticFeed(market: market, steps: 72_000).frames()
    }

    /// The shipped market maker renamed and with tighter limits, e.g. a daily loss limit that its
    /// fees and adverse fills reach (80 % of it moves it to reduce-only, the limit halts it).
    static func tightManifest(name: String, _ limits: [String: String]) throws -> String {
        let path = PluginTestSupport.packageRoot.appendingPathComponent("strategies/market_maker.yaml").path
        var text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "name: market_maker", with: "name: \(name)")
        for (old, new) in limits { text = text.replacingOccurrences(of: old, with: new) }
        return text
    }

    /// Replays the frames through a persisted host plan; returns what passed through and the market
    /// rows left unwritten because they were already past their table's retention, by table.
    static func replay(_ client: PostgresClient, target: DatabaseTarget) async throws -> (EngineSummary, [String: Int]) {
        let settings = try HostSettings.load(path: PluginTestSupport.packageRoot.appendingPathComponent("config/runtime.yaml").path)
        let logger = Logger(label: "test.replay")
        let plan = try await HostLauncher.prepare(mode: .replay, only: nil, settings: settings, catalog: PluginTestSupport.catalog,
                                                  loader: PluginLoader(searchPaths: [PluginTestSupport.binDirectory]),
                                                  target: target, client: client, logger: logger)
        let writers = Task { [trading = plan.persistence.trading, market = plan.persistence.market] in
            await PersistencePipeline.run(trading, market)
        }
        let phase = Phase("replaying")
        Watchdog.describe("writers") { [trading = plan.persistence.trading, market = plan.persistence.market] in
            "trading \(trading.statistics); market \(market.statistics)"
        }
        let summary = await ReplaySession.run(feed: ReplayFeed(frames: try frames()), engine: plan.engine,
                                              persistence: plan.persistence, logger: logger)
        phase.enter("replayed and flushed; waiting for the writers to finish")
        plan.persistence.finish()
        await writers.value
        phase.enter("replay done, writers finished")
        #expect(plan.persistence.refusedBeforeSending == 0)
        #expect(plan.persistence.trading.statistics.refused == 0)
        return (summary, plan.persistence.skippedPastRetention)
    }

    @Test func replayRowsAreConsistentRollUpExactlyAndCarryTheRiskMonitorsDecisions() async throws {
        try await ScratchDatabase.with { database, client in
            for file in ["sma_crossover", "mean_reversion", "market_maker"] {
                let path = PluginTestSupport.packageRoot.appendingPathComponent("strategies/\(file).yaml").path
                try await OperatorTestSupport.deploy(try String(contentsOfFile: path, encoding: .utf8), client: client)
            }
            // A daily loss limit of 0.3 USDT: at 0.24 (80 %) the monitor moves mm_risk to
            // reduce-only, and its loss keeps growing (fees, adverse marks) to the limit, which halts it.
            try await OperatorTestSupport.deploy(try Self.tightManifest(name: "mm_risk", ["max_daily_loss: 300": "max_daily_loss: 0.3"]),
                                                 client: client)
            let (summary, skipped) = try await Self.replay(client, target: database.target)
            #expect(summary.fills > 0)
            // The recording holds 18 instruments; the summary's fill models are those of the one traded.
            #expect(summary.instruments.keys.map(\.description) == ["BTC-USDT"], "\(summary.instruments)")

            // Every row is marked as replay; every filled order has its strategy's position row.
            #expect(try await SQLTestQueries.count(client, "SELECT count(*) FROM trades WHERE mode <> 'replay'") == 0)
            #expect(try await SQLTestQueries.count(client, "SELECT count(*) FROM trades WHERE filled_quantity > 0") > 0)
            #expect(try await SQLTestQueries.count(client, """
                SELECT count(DISTINCT t.strategy_id) FROM trades t WHERE t.filled_quantity > 0
                AND NOT EXISTS (SELECT 1 FROM positions p WHERE p.strategy_id = t.strategy_id AND p.symbol = t.symbol AND p.mode = 'replay')
                """) == 0)
            // July 2024's ticks are past market_ticks' 90-day retention: a replay does not write
            // them (retention would drop them as they land) but counts them; its candles are kept.
            #expect(try await SQLTestQueries.count(client, "SELECT count(*) FROM market_ticks") == 0)
            #expect(skipped["market_ticks"] ?? 0 > 10_000)
            #expect(skipped["market_ohlcv"] == nil)
            #expect(try await SQLTestQueries.count(client, "SELECT count(*) FROM market_ohlcv") > 0)

            // The daily rollup equals an independent computation over the trades table.
            let rollups = try await SQLTestQueries.strings(client, """
                SELECT s.name || ' ' || p.date || ' ' || p.total_trades || ' ' || p.winning_trades || ' ' || p.losing_trades
                    || ' ' || p.total_pnl::text || ' ' || p.total_commission::text
                FROM strategy_performance p JOIN strategies s ON s.id = p.strategy_id WHERE p.mode = 'replay' AND p.total_trades > 0
                ORDER BY 1
                """)
            let recomputed = try await SQLTestQueries.strings(client, """
                SELECT s.name || ' ' || (t.completed_at AT TIME ZONE 'UTC')::date || ' ' || count(*)
                    || ' ' || count(*) FILTER (WHERE t.realized_pnl <> 0 AND t.realized_pnl - CASE WHEN t.commission_asset = split_part(t.symbol, '-', 1)
                                               THEN round(t.commission * t.avg_fill_price, 12) ELSE t.commission END > 0)
                    || ' ' || count(*) FILTER (WHERE t.realized_pnl <> 0 AND t.realized_pnl - CASE WHEN t.commission_asset = split_part(t.symbol, '-', 1)
                                               THEN round(t.commission * t.avg_fill_price, 12) ELSE t.commission END < 0)
                    || ' ' || sum(t.realized_pnl)::numeric(38,12)::text
                    || ' ' || sum(CASE WHEN t.commission_asset = split_part(t.symbol, '-', 1)
                                       THEN round(t.commission * t.avg_fill_price, 12) ELSE t.commission END)::numeric(38,12)::text
                FROM trades t JOIN strategies s ON s.id = t.strategy_id
                WHERE t.mode = 'replay' AND t.filled_quantity > 0 AND t.completed_at IS NOT NULL
                GROUP BY s.name, (t.completed_at AT TIME ZONE 'UTC')::date ORDER BY 1
                """)
            #expect(!rollups.isEmpty)
            #expect(rollups == recomputed, "\(rollups.joined(separator: "\n"))\n---\n\(recomputed.joined(separator: "\n"))")

            // The database's own daily rollup of the same trades (strategy_performance_daily) agrees
            // with the engine's, field by field: the same trades on the same days, in one currency.
            try await StorageMaintenance(client).refreshRollups()
            let engineRollup = try await SQLTestQueries.strings(client, """
                SELECT s.name || ' ' || p.date || ' ' || p.total_trades || ' ' || p.winning_trades || ' ' || p.losing_trades
                    || ' ' || p.total_pnl::text || ' ' || p.total_commission::text || ' ' || p.net_pnl::text || ' ' || p.total_volume::text
                FROM strategy_performance p JOIN strategies s ON s.id = p.strategy_id WHERE p.mode = 'replay' AND p.total_trades > 0
                ORDER BY 1
                """)
            let databaseRollup = try await SQLTestQueries.strings(client, """
                SELECT s.name || ' ' || (d."date" AT TIME ZONE 'UTC')::date || ' ' || d.total_trades || ' ' || d.winning_trades
                    || ' ' || d.losing_trades || ' ' || d.total_pnl::numeric(38,12)::text || ' ' || d.total_commission::numeric(38,12)::text
                    || ' ' || d.net_pnl::numeric(38,12)::text || ' ' || d.total_volume::numeric(38,12)::text
                FROM strategy_performance_daily d JOIN strategies s ON s.id = d.strategy_id WHERE d.mode = 'replay'
                ORDER BY 1
                """)
            #expect(engineRollup == databaseRollup, "\(engineRollup.joined(separator: "\n"))\n---\n\(databaseRollup.joined(separator: "\n"))")
            #expect(Set(try await SQLTestQueries.strings(client, "SELECT DISTINCT date::text FROM strategy_performance WHERE mode = 'replay'")).count == 2)

            // mm_risk went active -> reducing -> halted in this one replay: per transition one
            // risk_events row and one audit_logs row by the risk engine (old and new state as
            // JSON), in that order, at the same event time.
            let transitions = try await SQLTestQueries.strings(client, """
                SELECT r.event_type || ' ' || r.severity || ' ' || r.action_taken || ' ' || r.metric_name
                    || ' ' || (r.metric_value >= r.threshold_value) || ' ' || r.threshold_value::text || ' ' || r.mode
                FROM risk_events r JOIN strategies s ON s.id = r.strategy_id
                WHERE s.name = 'mm_risk' AND r.event_type = 'limit_breach' ORDER BY r.created_at, r.id
                """)
            #expect(transitions == ["limit_breach warning reducing daily_loss true 0.240000000000 replay",
                                    "limit_breach critical halted daily_loss true 0.300000000000 replay"])
            let audits = try await SQLTestQueries.strings(client, """
                SELECT a.action || ' ' || a.user_agent || ' ' || (a.user_id IS NULL) || ' ' || a.success
                    || ' ' || (a.old_value ->> 'status') || ' -> ' || (a.new_value ->> 'status')
                    || ' ' || (a.new_value ->> 'metric_name') || ' ' || (a.new_value ->> 'threshold_value')
                FROM audit_logs a WHERE a.resource_type = 'strategy' AND a.resource_id = 'mm_risk' AND a.user_agent LIKE 'risk-engine%'
                ORDER BY a.created_at, a.id
                """)
            #expect(audits == ["strategy.reducing risk-engine true true active -> reducing daily_loss 0.24",
                               "strategy.halt risk-engine true true reducing -> halted daily_loss 0.3"])
            #expect(try await SQLTestQueries.count(client, """
                SELECT count(*) FROM risk_events r JOIN strategies s ON s.id = r.strategy_id
                JOIN audit_logs a ON a.resource_id = s.name AND a.user_agent LIKE 'risk-engine%' AND a.created_at = r.created_at
                    AND a.new_value ->> 'status' = r.action_taken
                WHERE s.name = 'mm_risk' AND r.event_type = 'limit_breach'
                """) == 2, "each transition's risk event and audit row carry the same event time")
            // A replay is a simulation: the deployed strategy's own status is left as it was.
            #expect(try await SQLTestQueries.strings(client, "SELECT status FROM strategies WHERE name = 'mm_risk'") == ["paper_trading"])

            // After the halt the market maker keeps quoting, and the risk engine refuses every
            // quote (strategy_state rejections, aggregated), so none reaches the venue: no trades
            // row of mm_risk is created after the halt.
            let halt = """
                (SELECT r.created_at FROM risk_events r JOIN strategies s ON s.id = r.strategy_id
                 WHERE s.name = 'mm_risk' AND r.event_type = 'limit_breach' AND r.action_taken = 'halted')
                """
            #expect(try await SQLTestQueries.count(client, """
                SELECT count(*) FROM risk_events r JOIN strategies s ON s.id = r.strategy_id
                WHERE s.name = 'mm_risk' AND r.event_type IN ('order_rejected', 'rejection_summary')
                  AND r.metric_name LIKE 'strategy_state%' AND r.created_at > \(halt)
                """) > 0, "the halted strategy kept sending orders")
            #expect(try await SQLTestQueries.count(client, """
                SELECT count(*) FROM trades t JOIN strategies s ON s.id = t.strategy_id
                WHERE s.name = 'mm_risk' AND t.created_at > \(halt)
                """) == 0)
            #expect(try await SQLTestQueries.count(client, """
                SELECT count(*) FROM trades t JOIN strategies s ON s.id = t.strategy_id WHERE s.name = 'mm_risk'
                """) > 0, "mm_risk traded before its halt")
        }
    }

    @Test func aReplayRunTwiceWritesIdenticalTrades() async throws {
        try await ScratchDatabase.with { database, client in
            for file in ["sma_crossover", "market_maker"] {
                let path = PluginTestSupport.packageRoot.appendingPathComponent("strategies/\(file).yaml").path
                try await OperatorTestSupport.deploy(try String(contentsOfFile: path, encoding: .utf8), client: client)
            }
            let query = """
                SELECT s.name || ' ' || t.side || ' ' || t.order_type || ' ' || t.quantity::text || ' ' || coalesce(t.price::text, '-')
                    || ' ' || t.status || ' ' || t.filled_quantity::text || ' ' || coalesce(t.avg_fill_price::text, '-')
                    || ' ' || t.commission::text || ' ' || coalesce(t.realized_pnl::text, '-') || ' ' || t.created_at::text
                FROM trades t JOIN strategies s ON s.id = t.strategy_id WHERE t.okx_order_id LIKE 'PAPER-' || $1 || '-%'
                ORDER BY t.created_at, t.okx_order_id
                """
            // Each run is tagged with its start's millisecond; the first run lasts far longer than one.
            _ = try await Self.replay(client, target: database.target)
            _ = try await Self.replay(client, target: database.target)
            let tags = try await SQLTestQueries.strings(client, "SELECT DISTINCT split_part(okx_order_id, '-', 2) FROM trades ORDER BY 1")
            #expect(tags.count == 2)
            guard tags.count == 2 else { return }
            let first = try await SQLTestQueries.strings(client, query.replacingOccurrences(of: "$1", with: "'\(tags[0])'"))
            let second = try await SQLTestQueries.strings(client, query.replacingOccurrences(of: "$1", with: "'\(tags[1])'"))
            #expect(!first.isEmpty)
            #expect(first == second)
        }
    }
}
