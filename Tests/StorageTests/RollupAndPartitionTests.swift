import Foundation
import PostgresNIO
@testable import Storage
import TestSupport
import Testing
import TradingCore

@Suite(.watchdog) struct RollupTests {
    /// Ticks over three days for two symbols, written through the batching writer; the
    /// 5m/1h/1d rollups equal bars computed in Swift from the same ticks, also after late
    /// ticks land in already refreshed buckets.
    @Test(arguments: SchemaFlavor.allCases) func rollupsEqualAnIndependentComputation(flavor: SchemaFlavor) async throws {
        guard try await ScratchDatabase.flavors().contains(flavor) else { return }
        try await ScratchDatabase.with(flavor: flavor) { database, client in
            let start = Timestamp.utc(2026, 11, 1)
            let end = Timestamp.utc(2026, 11, 4)
            var generator = TickGenerator(seed: 42)
            var ticks: [String: [TradeTick]] = [:]
            for (symbol, base) in [("BTC-USDT", Int64(90_000)), ("ETH-USDT", Int64(3_000))] {
                ticks[symbol] = try generator.ticks(symbol: symbol, count: 3_000, start: start, spanSeconds: 3 * 86_400, base: base)
            }
            let writer = MarketDataWriter(target: database.target)
            let drain = Task { await writer.run() }
            for symbolTicks in ticks.values { for tick in symbolTicks { #expect(writer.submit(.tick(tick)) == .accepted) } }
            await writer.flush()
            let maintenance = StorageMaintenance(client)
            try await maintenance.refreshRollups()
            try await compare(ticks, client: client, from: start, to: end)

            // Late ticks, some into buckets refreshed above; a re-delivered tick is ignored.
            var late: [TradeTick] = []
            for (symbol, base) in [("BTC-USDT", Int64(90_000)), ("ETH-USDT", Int64(3_000))] {
                let extra = try generator.ticks(symbol: symbol, count: 200, start: start, spanSeconds: 3 * 86_400, base: base)
                ticks[symbol, default: []].append(contentsOf: extra)
                late.append(contentsOf: extra)
            }
            for tick in late { writer.submit(.tick(tick)) }
            if let again = ticks["BTC-USDT"]?.first { writer.submit(.tick(again)) }
            await writer.flush()
            try await maintenance.refreshRollups()
            try await maintenance.refreshRollups() // idempotent
            try await compare(ticks, client: client, from: start, to: end)
            #expect(writer.statistics.duplicates == 1)
            writer.finish()
            await drain.value
        }
    }

    private func compare(_ ticks: [String: [TradeTick]], client: PostgresClient, from: Timestamp, to: Timestamp) async throws {
        let repository = MarketDataRepository(client)
        for (symbol, symbolTicks) in ticks {
            for (level, width) in [(RollupLevel.fiveMinutes, Int64(300_000)), (.oneHour, 3_600_000), (.oneDay, 86_400_000)] {
                let stored = try await repository.rollup(level, symbol: symbol, from: from, to: to)
                let expected = ExpectedBar.bars(symbolTicks, widthMs: width)
                #expect(stored.map(ExpectedBar.init) == expected, "\(symbol) \(level)")
                // vwap = sum(p*q)/sum(q), rounded to 12 decimals: check against a Double computation.
                for bar in stored {
                    let vwap = bar.quoteVolume.doubleValue / bar.volume.value.doubleValue
                    #expect(abs((bar.vwap?.value.doubleValue ?? 0) - vwap) <= vwap * 1e-12)
                }
            }
        }
    }

    @Test(arguments: SchemaFlavor.allCases) func dailyPerformanceRollupFollowsTradeChanges(flavor: SchemaFlavor) async throws {
        guard try await ScratchDatabase.flavors().contains(flavor) else { return }
        try await ScratchDatabase.with(flavor: flavor) { _, client in
            let strategyId = try await StrategyRepository(client).upsert(StrategyRecord(name: "perf", strategyType: "grid", version: "1", symbols: ["BTC-USDT"]))
            let instrument = try InstrumentId(parsing: "BTC-USDT")
            let day = Timestamp.utc(2026, 11, 2, 10)
            let trades = TradeRepository(client)
            // The last one realizes 0.05 but pays 0.1: a loss net of its commission.
            for (index, pnl) in ["5.5", "-2.25", "1", "0.05"].enumerated() {
                try await trades.upsert(TradeRecord(
                    clientOrderId: ClientOrderId("p-\(index)"), strategyId: strategyId, instrument: instrument, side: .buy, orderType: .market,
                    quantity: Quantity(FixedPoint(2)), price: nil, avgFillPrice: Price(FixedPoint(100)), filledQuantity: Quantity(FixedPoint(2)),
                    commission: Money(try FixedPoint(parsing: "0.1")), realizedPnl: Money(try FixedPoint(parsing: pnl)),
                    status: .filled, createdAt: day, mode: .paper))
            }
            let maintenance = StorageMaintenance(client)
            try await maintenance.refreshRollups()
            let performance = PerformanceRepository(client)
            var rows = try await performance.dailyTradeRollups(from: Timestamp.utc(2026, 11, 1), to: Timestamp.utc(2026, 11, 5))
            #expect(rows.count == 1)
            #expect(rows.first?.totalTrades == 4)
            #expect(rows.first?.winningTrades == 2)
            #expect(rows.first?.losingTrades == 2)
            #expect(rows.first?.totalPnl == Money(try FixedPoint(parsing: "4.3")))
            #expect(rows.first?.netPnl == Money(try FixedPoint(parsing: "3.9")))
            #expect(rows.first?.totalVolume == Money(FixedPoint(800)))
            #expect(rows.first?.mode == .paper)

            // A trade is cancelled after the fact: the rollup follows.
            var changed = try #require(try await trades.trade(clientOrderId: ClientOrderId("p-1")))
            changed.status = .cancelled
            try await trades.upsert(changed)
            try await maintenance.refreshRollups()
            rows = try await performance.dailyTradeRollups(from: Timestamp.utc(2026, 11, 1), to: Timestamp.utc(2026, 11, 5))
            #expect(rows.first?.totalTrades == 3)
            #expect(rows.first?.losingTrades == 1)
            #expect(rows.first?.totalPnl == Money(try FixedPoint(parsing: "6.55")))
        }
    }
}

@Suite(.watchdog) struct PartitionTests {
    private func tickCount(_ client: PostgresClient, _ condition: String = "true") async throws -> Int {
        var count = 0
        for try await value in try await client.query(PostgresQuery(unsafeSQL: "SELECT count(*)::int FROM market_ticks WHERE \(condition)")).decode(Int.self) { count = value }
        return count
    }

    private func partitions(_ client: PostgresClient, of table: String) async throws -> Set<String> {
        var names: Set<String> = []
        let rows = try await client.query("""
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
            WHERE p.relname = \(table)
            """)
        for try await name in rows.decode(String.self) { names.insert(name) }
        return names
    }

    private func tick(_ id: String, at time: Timestamp) throws -> TradeTick {
        TradeTick(instrument: try InstrumentId(parsing: "BTC-USDT"), tradeId: TradeId(id), price: Price(FixedPoint(100)),
                  quantity: Quantity(FixedPoint(1)), side: .buy, timestamp: time)
    }

    /// Retention drops exactly the partitions whose whole period is past the retention cutoff.
    @Test func retentionDropsExactlyTheExpiredPartitions() async throws {
        try await ScratchDatabase.with(flavor: .postgres) { _, client in
            let repository = MarketDataRepository(client)
            let days = [Timestamp.utc(2026, 3, 7, 12), Timestamp.utc(2026, 3, 16, 23), Timestamp.utc(2026, 3, 17, 1), Timestamp.utc(2026, 6, 14, 8)]
            for (index, day) in days.enumerated() { try await repository.insertTick(try tick("r\(index)", at: day)) }
            let maintenance = StorageMaintenance(client)
            // As of 2026-03-20 nothing is expired: every row gets its own day partition.
            let created = try await maintenance.maintainPartitions(now: Timestamp.utc(2026, 3, 20))
            #expect(created.filter { $0.action == "created_for_default_rows" && $0.table == "market_ticks" }.map(\.partition).sorted()
                    == ["market_ticks_p20260307", "market_ticks_p20260316", "market_ticks_p20260317", "market_ticks_p20260614"])
            #expect(try await tickCount(client) == 4)
            let before = try await partitions(client, of: "market_ticks")
            // As of 2026-06-15 12:00 the cutoff is 2026-03-17 12:00: days ending by then go, 03-17 stays whole.
            let actions = try await maintenance.maintainPartitions(now: Timestamp.utc(2026, 6, 15, 12))
            let dropped = Set(actions.filter { $0.action == "dropped" && $0.table == "market_ticks" }.map(\.partition))
            #expect(dropped == ["market_ticks_p20260307", "market_ticks_p20260316"])
            let after = try await partitions(client, of: "market_ticks")
            #expect(before.subtracting(after) == dropped)
            #expect(try await tickCount(client) == 2)
            // Idempotent.
            let again = try await maintenance.maintainPartitions(now: Timestamp.utc(2026, 6, 15, 12))
            #expect(again.filter { $0.action == "dropped" }.isEmpty)
        }
    }

    /// Rows whose time has no partition are never refused: they wait in DEFAULT, then move to
    /// a partition made for them, or are deleted when already past retention.
    @Test(arguments: SchemaFlavor.allCases) func rowsWithoutAPartitionAreNeverRefused(flavor: SchemaFlavor) async throws {
        guard try await ScratchDatabase.flavors().contains(flavor) else { return }
        try await ScratchDatabase.with(flavor: flavor) { database, client in
            let repository = MarketDataRepository(client)
            let old = Timestamp.utc(2022, 3, 1, 10)
            let future = Timestamp(millisecondsSinceEpoch: Timestamp.now.millisecondsSinceEpoch + 400 * 86_400_000)
            #expect(try await repository.insertTick(try tick("old", at: old)))
            #expect(try await repository.insertTick(try tick("future", at: future)))
            #expect(try await tickCount(client) == 2)
            guard database.flavor == .postgres else { return }
            #expect(try await tickCount(client, "tableoid = 'market_ticks_default'::regclass") == 2)
            let actions = try await StorageMaintenance(client).maintainPartitions()
            #expect(actions.contains { $0.action == "expired_default_rows" && $0.rows == 1 })
            #expect(try await tickCount(client, "tableoid = 'market_ticks_default'::regclass") == 0)
            #expect(try await tickCount(client, "trade_id = 'future'") == 1)
            #expect(try await tickCount(client, "trade_id = 'old'") == 0)
        }
    }
}
