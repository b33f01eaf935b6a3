import Foundation
import PostgresNIO
import Storage
import TestSupport
import Testing
import TradingCore

/// A trade id is stored once per symbol, whatever timestamp a re-delivery carries and whoever
/// writes it (migration 012), on both flavors: the batching writer, a single insert and plain SQL.
@Suite(.watchdog) struct TradeIdUniquenessTests {
    private func count(_ client: PostgresClient, _ sql: String) async throws -> Int {
        var value = 0
        for try await count in try await client.query(PostgresQuery(unsafeSQL: sql)).decode(Int.self) { value = count }
        return value
    }

    private func tick(_ symbol: String, _ id: String, at time: Timestamp, price: String = "90000") throws -> TradeTick {
        TradeTick(instrument: try InstrumentId(parsing: symbol), tradeId: TradeId(id), price: Price(try FixedPoint(parsing: price)),
                  quantity: Quantity(try FixedPoint(parsing: "0.5")), side: .buy, timestamp: time)
    }

    @Test(arguments: SchemaFlavor.allCases) func aReDeliveredTradeWithAnotherTimestampIsStoredOnce(flavor: SchemaFlavor) async throws {
        guard try await ScratchDatabase.flavors().contains(flavor) else { return }
        try await ScratchDatabase.with(flavor: flavor) { database, client in
            let time = Timestamp(nanosecondsSinceEpoch: (Timestamp.now.utcDayNumber - 1) * 86_400_000_000_000)
            let writer = MarketDataWriter(target: database.target)
            let drain = Task { await writer.run() }
            writer.submit(.tick(try tick("BTC-USDT", "242720", at: time)))
            await writer.flush()
            // The same trade re-delivered 5 s later (a reconnect, a second host), in the same batch
            // as a new trade (sent twice) and as the same id on another instrument, which is
            // another trade.
            writer.submit(.tick(try tick("BTC-USDT", "242720", at: time.advanced(byMilliseconds: 5_000))))
            writer.submit(.tick(try tick("BTC-USDT", "242721", at: time.advanced(byMilliseconds: 6_000))))
            writer.submit(.tick(try tick("BTC-USDT", "242721", at: time.advanced(byMilliseconds: 6_000))))
            writer.submit(.tick(try tick("ETH-USDT", "242720", at: time.advanced(byMilliseconds: 5_000), price: "3000")))
            await writer.flush()
            writer.finish()
            await drain.value
            #expect(writer.statistics.written == 3)
            #expect(writer.statistics.duplicates == 2)

            // Single inserts and plain SQL cannot bypass it either.
            let repository = MarketDataRepository(client)
            #expect(try await repository.insertTick(try tick("BTC-USDT", "242720", at: time.advanced(byMilliseconds: 60_000))) == false)
            try await client.query("""
                INSERT INTO market_ticks (symbol, timestamp, trade_id, price, quantity, side)
                VALUES ('BTC-USDT', now() - INTERVAL '1 hour', '242720', 1, 1, 'sell')
                """)
            #expect(try await count(client, "SELECT count(*)::int FROM market_ticks WHERE symbol = 'BTC-USDT' AND trade_id = '242720'") == 1)
            #expect(try await count(client, "SELECT count(*)::int FROM market_ticks WHERE trade_id = '242720'") == 2)
            #expect(try await count(client, """
                SELECT count(*)::int FROM market_ticks
                WHERE symbol = 'BTC-USDT' AND trade_id = '242720' AND timestamp = TIMESTAMPTZ 'epoch' + \(time.nanosecondsSinceEpoch / 1_000) * INTERVAL '1 microsecond'
                """) == 1, "the first delivery is the one kept")

            // The rollups count the trade once.
            try await StorageMaintenance(client).refreshAggregates(from: time, to: time)
            let bars = try await repository.rollup(.oneDay, symbol: "BTC-USDT", from: time, to: time.advanced(byNanoseconds: 86_400_000_000_000))
            #expect(bars.map(\.tradeCount) == [2])
        }
    }
}
