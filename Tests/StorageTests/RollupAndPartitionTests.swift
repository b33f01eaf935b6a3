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
                    status: .filled, createdAt: day, completedAt: day, mode: .paper))
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

            // A trade's realized PnL is corrected after the fact: the rollup follows.
            var changed = try #require(try await trades.trade(clientOrderId: ClientOrderId("p-1")))
            changed.realizedPnl = Money(FixedPoint(1))
            try await trades.upsert(changed)
            try await maintenance.refreshRollups()
            rows = try await performance.dailyTradeRollups(from: Timestamp.utc(2026, 11, 1), to: Timestamp.utc(2026, 11, 5))
            #expect(rows.first?.totalTrades == 4)
            #expect(rows.first?.losingTrades == 1)
            #expect(rows.first?.totalPnl == Money(try FixedPoint(parsing: "7.55")))
        }
    }

    /// Reports are in the quote currency: buy 0.01 BTC @ 100,000 paying 0.00001 BTC, sell 0.00999
    /// @ 100,500 paying 1.003995 USDT is 2.003995 USDT of commission and 2.991005 net; 10
    /// BTC-USDT-SWAP contracts (0.01 BTC each) @ 30,000 are 3,000 USDT of volume. A partly filled,
    /// then canceled order counts, on the day it completed.
    @Test(arguments: SchemaFlavor.allCases) func reportsAreInOneCurrency(flavor: SchemaFlavor) async throws {
        guard try await ScratchDatabase.flavors().contains(flavor) else { return }
        try await ScratchDatabase.with(flavor: flavor) { _, client in
            let strategyId = try await StrategyRepository(client).upsert(StrategyRecord(name: "fx", strategyType: "grid", version: "1", symbols: ["BTC-USDT"]))
            let spot = try InstrumentId(parsing: "BTC-USDT")
            let swap = Instrument(id: try InstrumentId(parsing: "BTC-USDT-SWAP"), tickSize: Price(FixedPoint(units: 1, decimals: 1)),
                                  lotSize: Quantity(FixedPoint(units: 1, decimals: 2)), minSize: Quantity(FixedPoint(units: 1, decimals: 2)),
                                  contractValue: Quantity(FixedPoint(units: 1, decimals: 2)), contractCurrency: "BTC")
            try await InstrumentContractRepository(client).record([swap])
            let created = Timestamp.utc(2026, 11, 2, 23)
            let completed = Timestamp.utc(2026, 11, 3).advanced(byMilliseconds: 1_800_000) // the next day: the trades count there
            func trade(_ id: String, _ instrument: InstrumentId, _ side: Side, filled: String, price: String, fee: String, asset: String,
                       realized: String, status: OrderStatus, quantity: String? = nil) throws -> TradeRecord {
                TradeRecord(clientOrderId: ClientOrderId(id), strategyId: strategyId, instrument: instrument, side: side, orderType: .market,
                            quantity: try Quantity(parsing: quantity ?? filled), price: nil, avgFillPrice: try Price(parsing: price),
                            filledQuantity: try Quantity(parsing: filled), commission: try Money(parsing: fee), commissionAsset: asset,
                            realizedPnl: try Money(parsing: realized), status: status, createdAt: created, completedAt: completed, mode: .paper)
            }
            let trades = TradeRepository(client)
            try await trades.upsert(try trade("fx-1", spot, .buy, filled: "0.01", price: "100000", fee: "0.00001", asset: "BTC", realized: "0", status: .filled))
            try await trades.upsert(try trade("fx-2", spot, .sell, filled: "0.00999", price: "100500", fee: "1.003995", asset: "USDT",
                                              realized: "4.995", status: .cancelled, quantity: "0.01"))
            try await trades.upsert(try trade("fx-3", swap.id, .buy, filled: "10", price: "30000", fee: "0", asset: "USDT", realized: "0", status: .filled))

            let activity = try #require(try await trades.activity(from: Timestamp.utc(2026, 11, 3), to: Timestamp.utc(2026, 11, 4)).first)
            #expect(activity.tradeCount == 3)
            #expect(activity.commission == (try Money(parsing: "2.003995")))
            #expect(activity.netPnl == (try Money(parsing: "2.991005")))
            #expect(activity.volume == (try Money(parsing: "5003.995"))) // 1,000 + 1,003.995 + 3,000
            #expect(try await trades.activity(from: Timestamp.utc(2026, 11, 2), to: Timestamp.utc(2026, 11, 3)).isEmpty)

            try await StorageMaintenance(client).refreshRollups()
            let rows = try await PerformanceRepository(client).dailyTradeRollups(from: Timestamp.utc(2026, 11, 1), to: Timestamp.utc(2026, 11, 5))
            #expect(rows.count == 1)
            let row = try #require(rows.first)
            #expect(row.day == Timestamp.utc(2026, 11, 3))
            #expect(row.totalTrades == 3 && row.winningTrades == 1 && row.losingTrades == 0)
            #expect(row.totalCommission == (try Money(parsing: "2.003995")))
            #expect(row.netPnl == (try Money(parsing: "2.991005")))
            #expect(row.totalVolume == activity.volume)
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
