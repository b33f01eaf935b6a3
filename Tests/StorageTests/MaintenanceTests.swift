import Foundation
import PostgresNIO
import Storage
import TestSupport
import Testing
import TradingCore

/// One maintenance pass does the same work on both flavors: rows older than retention are gone,
/// rows outside the premade partitions live in real ones, and data that arrived late (a
/// backfill of last month, after newer data was already rolled up) reaches the rollups.
@Suite(.watchdog) struct MaintenanceTests {
    static let day: Int64 = 86_400_000_000_000

    private func count(_ client: PostgresClient, _ sql: String) async throws -> Int {
        var value = 0
        for try await count in try await client.query(PostgresQuery(unsafeSQL: sql)).decode(Int.self) { value = count }
        return value
    }

    @Test(arguments: SchemaFlavor.allCases) func aMaintenancePassExpiresPartitionsAndRollsUpABackfill(flavor: SchemaFlavor) async throws {
        guard try await ScratchDatabase.flavors().contains(flavor) else { return }
        try await ScratchDatabase.with(flavor: flavor) { database, client in
            let today = Timestamp(nanosecondsSinceEpoch: Timestamp.now.utcDayNumber * Self.day)
            let expired = today.advanced(byNanoseconds: -200 * Self.day) // past the 90-day retention
            let backfill = today.advanced(byNanoseconds: -30 * Self.day)
            let recent = today.advanced(byNanoseconds: -1 * Self.day)
            var generator = TickGenerator(seed: 9)
            let writer = MarketDataWriter(target: database.target)
            let drain = Task { await writer.run() }
            let maintenance = StorageMaintenance(client)

            // Recent data, rolled up: TimescaleDB's aggregates are materialized up to it.
            let recentTicks = try generator.ticks(symbol: "BTC-USDT", count: 500, start: recent, spanSeconds: 86_000, base: 90_000)
            for tick in recentTicks { writer.submit(.tick(tick)) }
            await writer.flush()
            try await maintenance.refreshAggregates(from: recent, to: recent.advanced(byNanoseconds: Self.day - 1))

            // Then a backfill of last month and rows already past retention.
            let backfillTicks = try generator.ticks(symbol: "BTC-USDT", count: 500, start: backfill, spanSeconds: 86_000, base: 80_000)
            let expiredTicks = try generator.ticks(symbol: "BTC-USDT", count: 50, start: expired, spanSeconds: 3_600, base: 60_000)
            for tick in backfillTicks + expiredTicks { writer.submit(.tick(tick)) }
            await writer.flush()
            writer.finish()
            await drain.value

            let report = try await maintenance.maintain()
            #expect(report.flavor == database.flavor)
            try await maintenance.refreshAggregates(from: backfill, to: backfill.advanced(byNanoseconds: Self.day - 1))

            let expiredEnd = expired.advanced(byNanoseconds: Self.day)
            #expect(try await count(client, """
                SELECT count(*)::int FROM market_ticks WHERE timestamp < TIMESTAMPTZ 'epoch' + \(expiredEnd.nanosecondsSinceEpoch / 1_000) * INTERVAL '1 microsecond'
                """) == 0, "rows past retention are dropped")
            #expect(try await count(client, "SELECT count(*)::int FROM market_ticks") == recentTicks.count + backfillTicks.count)
            #expect(report.tradeIdsExpired == expiredTicks.count, "the trade ids of expired ticks are forgotten with them")
            #expect(try await count(client, "SELECT count(*)::int FROM market_trade_ids") == recentTicks.count + backfillTicks.count)
            if database.flavor == .postgres {
                #expect(try await count(client, "SELECT count(*)::int FROM market_ticks_default") == 0, "every row is in a real partition")
            }
            let repository = MarketDataRepository(client)
            for (ticks, start) in [(backfillTicks, backfill), (recentTicks, recent)] {
                let stored = try await repository.rollup(.fiveMinutes, symbol: "BTC-USDT", from: start, to: start.advanced(byNanoseconds: Self.day))
                #expect(stored.map(ExpectedBar.init) == ExpectedBar.bars(ticks, widthMs: 300_000), "5m bars from \(start)")
                let hourly = try await repository.rollup(.oneHour, symbol: "BTC-USDT", from: start, to: start.advanced(byNanoseconds: Self.day))
                #expect(hourly.map(ExpectedBar.init) == ExpectedBar.bars(ticks, widthMs: 3_600_000), "1h bars from \(start)")
            }
        }
    }

    /// Both flavors report the seed's retention per table, which a replay uses to skip rows
    /// retention would drop as they land.
    @Test(arguments: SchemaFlavor.allCases) func retentionIsReadFromEitherFlavor(flavor: SchemaFlavor) async throws {
        guard try await ScratchDatabase.flavors().contains(flavor) else { return }
        try await ScratchDatabase.with(flavor: flavor) { _, client in
            let retention = try await StorageMaintenance(client).retention()
            #expect(retention["market_ticks"] == .seconds(90 * 86_400))
            #expect(retention["order_book_snapshots"] == .seconds(7 * 86_400))
            #expect(retention["system_metrics"] == .seconds(180 * 86_400))
            #expect(retention["market_ohlcv"] != nil)
        }
    }
}
