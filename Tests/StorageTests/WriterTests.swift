import Foundation
import PostgresNIO
@testable import Storage
import TestSupport
import Testing
import TradingCore

@Suite(.watchdog) struct WriterTests {
    /// The server is stopped mid-stream and started again: everything the writer accepted is
    /// written exactly once, nothing is dropped, and the outage shows as retries.
    @Test func survivesAServerRestartMidStream() async throws {
        let cluster = try ScratchDatabase.makeTemporaryCluster()
        defer { ScratchDatabase.removeTemporaryCluster(cluster) }
        let target = try await cluster.start()
        _ = try await Migrator().migrate(target: target)
        let writer = MarketDataWriter(target: target, configuration: .init(capacity: 100_000, batchSize: 500,
                                                                            initialBackoff: .milliseconds(20), maximumBackoff: .milliseconds(200)))
        let drain = Task { await writer.run() }
        var generator = TickGenerator(seed: 7)
        let ticks = try generator.ticks(symbol: "BTC-USDT", count: 12_000, start: Timestamp.utc(2026, 11, 20), spanSeconds: 86_400, base: 90_000)
        for tick in ticks[0..<4_000] { #expect(writer.submit(.tick(tick)) == .accepted) }
        await writer.flush()
        try await cluster.stop()
        // Accepted while the server is down: kept in the queue.
        for tick in ticks[4_000..<8_000] { #expect(writer.submit(.tick(tick)) == .accepted) }
        try await Wait.until("a failed batch while the server is down", { writer.statistics }, satisfies: { $0.retried > 0 })
        _ = try await cluster.start()
        for tick in ticks[8_000...] { #expect(writer.submit(.tick(tick)) == .accepted) }
        await writer.flush()
        writer.finish()
        await drain.value
        let statistics = writer.statistics
        #expect(statistics.dropped == 0)
        #expect(statistics.rejected == 0)
        #expect(statistics.retried > 0)
        #expect(statistics.written + statistics.duplicates == ticks.count)
        #expect(writer.resources.runningTasks == 0)
        #expect(writer.resources.openConnections == 0)
        #expect(try await target.count("SELECT count(*)::int FROM market_ticks") == Set(ticks.map(\.tradeId.rawValue)).count)
    }

    /// Ticks are inserted straight into market_ticks; in a batch re-sending stored ticks (a replay,
    /// a reconnect) the table's trigger skips exactly the duplicates and the writer counts them.
    @Test(arguments: SchemaFlavor.allCases) func reSentTicksAreSkippedByTheirUniqueKey(flavor: SchemaFlavor) async throws {
        guard try await ScratchDatabase.flavors().contains(flavor) else { return }
        try await ScratchDatabase.with(flavor: flavor) { database, _ in
            let writer = MarketDataWriter(target: database.target, configuration: .init(capacity: 10_000, batchSize: 1_000))
            var generator = TickGenerator(seed: 11)
            let ticks = try generator.ticks(symbol: "BTC-USDT", count: 3_000, start: Timestamp.utc(2026, 11, 20), spanSeconds: 3_600, base: 90_000)
            let distinct = Set(ticks.map { "\($0.tradeId.rawValue)|\($0.timestamp.nanosecondsSinceEpoch / 1_000)" }).count
            let drain = Task { await writer.run() }
            for tick in ticks[0..<1_000] { writer.submit(.tick(tick)) }
            await writer.flush()
            // Half stored already, half new; then new ones only; then everything once more.
            for tick in ticks[500..<1_500] { writer.submit(.tick(tick)) }
            await writer.flush()
            for tick in ticks[1_500...] { writer.submit(.tick(tick)) }
            await writer.flush()
            for tick in ticks { writer.submit(.tick(tick)) }
            await writer.flush()
            writer.finish()
            await drain.value
            let statistics = writer.statistics
            #expect(statistics.written == distinct)
            #expect(statistics.written + statistics.duplicates == 1_000 + 1_000 + 1_500 + 3_000)
            #expect(statistics.rejected == 0)
            #expect(try await database.target.count("SELECT count(*)::int FROM market_ticks") == distinct)
        }
    }

    /// Rows whose time has no partition (a 2022 replay, a clock far ahead) go through the direct
    /// INSERT too: none is refused, and a re-sent one is still skipped as a duplicate.
    @Test(arguments: SchemaFlavor.allCases) func rowsWithoutAPartitionAreWrittenByTheBatchingWriter(flavor: SchemaFlavor) async throws {
        guard try await ScratchDatabase.flavors().contains(flavor) else { return }
        try await ScratchDatabase.with(flavor: flavor) { database, _ in
            let writer = MarketDataWriter(target: database.target)
            let drain = Task { await writer.run() }
            var generator = TickGenerator(seed: 5)
            let old = try generator.ticks(symbol: "BTC-USDT", count: 300, start: Timestamp.utc(2022, 3, 1), spanSeconds: 86_400, base: 40_000)
            let ahead = try generator.ticks(symbol: "BTC-USDT", count: 300, start: Timestamp.utc(2031, 1, 1), spanSeconds: 86_400, base: 90_000)
            let metric = SystemMetricRecord(timestamp: Timestamp.utc(2022, 3, 1), category: "feed", name: "lag", value: FixedPoint(1))
            for tick in old + ahead { #expect(writer.submit(.tick(tick)) == .accepted) }
            #expect(writer.submit(.metric(metric)) == .accepted)
            await writer.flush()
            for tick in old.prefix(10) { writer.submit(.tick(tick)) }
            await writer.flush()
            writer.finish()
            await drain.value
            let distinct = Set((old + ahead).map { "\($0.tradeId.rawValue)|\($0.timestamp.nanosecondsSinceEpoch / 1_000)" }).count
            #expect(writer.statistics.rejected == 0)
            #expect(writer.statistics.written == distinct + 1)
            #expect(try await database.target.count("SELECT count(*)::int FROM market_ticks") == distinct)
            #expect(try await database.target.count("SELECT count(*)::int FROM system_metrics") == 1)
        }
    }

    /// A full queue drops its oldest market-data rows for new ones and counts them; the caller
    /// never waits, and what is stored is the newest data.
    @Test func fullQueueDropsTheOldestAndCounts() async throws {
        try await ScratchDatabase.with { database, _ in
            let writer = MarketDataWriter(target: database.target, configuration: .init(capacity: 10, batchSize: 5))
            var generator = TickGenerator(seed: 3)
            let ticks = try generator.ticks(symbol: "ETH-USDT", count: 15, start: Timestamp.utc(2026, 11, 20), spanSeconds: 60, base: 3_000)
            #expect(ticks.map { writer.submit(.tick($0)) }.allSatisfy { $0 == .accepted })
            #expect(writer.statistics.dropped == 5)
            let drain = Task { await writer.run() }
            await writer.flush()
            writer.finish()
            await drain.value
            #expect(writer.statistics.written == 10)
            let stored = try await database.target.withClient { client in
                try await client.query("SELECT trade_id FROM market_ticks").decode(String.self).reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(stored == Set(ticks.suffix(10).map(\.tradeId.rawValue)))
        }
    }

    @Test(arguments: SchemaFlavor.allCases) func writesEveryKindOfMarketData(flavor: SchemaFlavor) async throws {
        guard try await ScratchDatabase.flavors().contains(flavor) else { return }
        try await ScratchDatabase.with(flavor: flavor) { database, client in
            let writer = MarketDataWriter(target: database.target)
            let drain = Task { await writer.run() }
            let instrument = try InstrumentId(parsing: "BTC-USDT-SWAP")
            let time = Timestamp.utc(2026, 11, 20, 12)
            let price = { (text: String) throws -> Price in Price(try FixedPoint(parsing: text)) }
            let first = Candle(instrument: instrument, interval: .oneMinute, openTime: time, open: try price("100.123456789012"),
                               high: try price("101"), low: try price("99.5"), close: try price("100.5"), volume: Quantity(FixedPoint(3)))
            var second = first
            second.close = try price("100.75")
            #expect(writer.submit(.candle(first)) == .accepted)
            #expect(writer.submit(.candle(second)) == .accepted) // same bar, newer version wins
            let levels = [BookLevel(price: try price("100.5"), size: Quantity(FixedPoint(2)), orderCount: 3)]
            #expect(writer.submit(.book(BookSnapshotRecord(instrument: instrument, timestamp: time, bids: levels, asks: levels, checksum: -5, channel: .books5))) == .accepted)
            #expect(writer.submit(.metric(SystemMetricRecord(timestamp: time, category: "feed", name: "lag", value: FixedPoint(12), unit: "ms",
                                                             tags: "{\"host\": \"a\\tb\"}"))) == .accepted)
            await writer.flush()
            writer.finish()
            await drain.value
            let latest = try await MarketDataRepository(client).latestCandle(instrument, interval: .oneMinute)
            #expect(latest == Candle(instrument: instrument, interval: .oneMinute, openTime: time, open: try price("100.123456789012"),
                                     high: try price("101"), low: try price("99.5"), close: try price("100.75"), volume: Quantity(FixedPoint(3))))
            for try await (bids, checksum) in try await client.query("SELECT bids::text, checksum FROM order_book_snapshots").decode((String, Int32).self) {
                #expect(bids == #"[["100.5", "2", "3"]]"#)
                #expect(checksum == -5)
            }
            for try await tags in try await client.query("SELECT tags->>'host' FROM system_metrics").decode(String.self) {
                #expect(tags == "a\tb")
            }
        }
    }

    /// Ticks/s through the batching writer against one-row INSERTs, in the same run. Logged, not asserted.
    @Test func measureTickThroughput() async throws {
        try await ScratchDatabase.with { database, client in
            var generator = TickGenerator(seed: 99)
            let single = try generator.ticks(symbol: "SOL-USDT", count: 2_000, start: Timestamp.utc(2026, 11, 21), spanSeconds: 3_600, base: 150)
            let batched = try generator.ticks(symbol: "BTC-USDT", count: 50_000, start: Timestamp.utc(2026, 11, 21), spanSeconds: 3_600, base: 90_000)
            let connection = try await database.target.connect()
            let repository = MarketDataRepository(connection)
            let clock = ContinuousClock()
            let singleElapsed = try await clock.measure {
                for tick in single { try await repository.insertTick(tick) }
            }
            try await connection.close()
            let writer = MarketDataWriter(target: database.target)
            let drain = Task { await writer.run() }
            let batchedElapsed = await clock.measure {
                for tick in batched { writer.submit(.tick(tick)) }
                await writer.flush()
            }
            writer.finish()
            await drain.value
            #expect(writer.statistics.written == batched.count)
            func rate(_ count: Int, _ duration: Duration) -> Int {
                let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
                return Int(Double(count) / max(seconds, 1e-9))
            }
            print("THROUGHPUT one-row INSERT: \(rate(single.count, singleElapsed)) ticks/s (\(single.count) ticks); batching writer: \(rate(batched.count, batchedElapsed)) ticks/s (\(batched.count) ticks)")
            _ = client
        }
    }
}
