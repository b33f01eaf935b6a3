import Foundation
import Logging
import PostgresNIO
@testable import Storage
import TestSupport
import Testing
import TradingCore

@Suite(.watchdog) struct TradingRecordWriterTests {
    /// Trade + position changes are written together; a change the server refuses (unknown
    /// strategy) is kept aside and counted without stopping the others; nothing is dropped.
    @Test func writesChangesAndKeepsRefusedOnesAside() async throws {
        try await ScratchDatabase.with { database, client in
            let strategyId = try await StrategyRepository(client).upsert(StrategyRecord(name: "w", strategyType: "t", version: "1", symbols: ["BTC-USDT"]))
            let instrument = try InstrumentId(parsing: "BTC-USDT")
            let time = Timestamp.utc(2026, 11, 20, 9)
            let writer = TradingRecordWriter(target: database.target, capacity: 4, batchSize: 3)
            let drain = Task { await writer.run() }
            for index in 0..<10 {
                let trade = TradeRecord(clientOrderId: ClientOrderId("t-\(index)"), strategyId: index == 5 ? UUID() : strategyId,
                                        instrument: instrument, side: .buy, orderType: .market, quantity: Quantity(FixedPoint(1)), price: nil,
                                        avgFillPrice: Price(FixedPoint(100)), filledQuantity: Quantity(FixedPoint(1)), status: .filled,
                                        createdAt: time, mode: .replay)
                let position = PositionRecord(strategyId: strategyId, instrument: instrument, side: .long, quantity: Quantity(FixedPoint(index + 1)),
                                              avgEntryPrice: Price(FixedPoint(100)), openedAt: time, lastUpdated: time, mode: .replay)
                try await writer.submit(.trade(trade, position: index == 5 ? nil : position))
            }
            try await writer.submit(.riskEvent(RiskEventRecord(eventType: "drawdown", severity: .warning, strategyId: strategyId,
                                                                description: "d", createdAt: time, mode: .replay)))
            await writer.flush()
            writer.finish()
            await drain.value
            #expect(writer.statistics.written == 10)
            #expect(writer.statistics.refused == 1)
            #expect(writer.refused.first.map { if case .trade(let trade, _) = $0.change { trade.clientOrderId.rawValue } else { "" } } == "t-5")
            let trades = try await TradeRepository(client).trades(from: Timestamp.utc(2026, 11, 20), to: Timestamp.utc(2026, 11, 21), mode: .replay)
            #expect(trades.count == 9)
            #expect(try await PositionRepository(client).positions(mode: .replay).first?.quantity == Quantity(FixedPoint(10)))
            #expect(try await RiskEventRepository(client).events().count == 1)
        }
    }
}

@Suite(.watchdog) struct TradingRecordWriterRestartTests {
    /// After a lost COMMIT answer the writer asks the server how that transaction ended: a
    /// committed one is not written again, a rolled-back or never-finished one is.
    @Test func aTransactionInDoubtIsResolvedByTheServer() async throws {
        try await ScratchDatabase.with { database, _ in
            let logger = Logger(label: "test")
            func transaction(_ end: String) async throws -> String {
                let connection = try await database.target.connect()
                defer { Task { try? await connection.close() } }
                try await connection.query("BEGIN", logger: logger)
                try await connection.query("CREATE TEMP TABLE doubt (x int)", logger: logger)
                var xid = ""
                for try await value in try await connection.query("SELECT pg_current_xact_id()::text", logger: logger).decode(String.self) { xid = value }
                try await connection.query(PostgresQuery(unsafeSQL: end), logger: logger)
                return xid
            }
            let committed = try await transaction("COMMIT")
            let rolledBack = try await transaction("ROLLBACK")
            let asker = ConnectionLossGuard(try await database.target.connect())
            #expect(try await TransactionStatus.committed(committed, on: asker, logger: logger))
            #expect(try await !TransactionStatus.committed(rolledBack, on: asker, logger: logger))
            try await asker.connection.close()
        }
    }

    /// The server is stopped while the writer is writing and started again later. The queue is
    /// small, so submitters wait (never drop) while the server is away. Afterwards every accepted
    /// trade, risk event and audit row is stored exactly once and the position holds its last
    /// state; the outage shows as retries, nothing is refused.
    @Test func survivesAServerRestartMidStream() async throws {
        let cluster = try ScratchDatabase.makeTemporaryCluster()
        defer { ScratchDatabase.removeTemporaryCluster(cluster) }
        let target = try await cluster.start()
        _ = try await Migrator().migrate(target: target)
        let strategyId = try await target.withClient { client in
            try await StrategyRepository(client).upsert(StrategyRecord(name: "restart", strategyType: "t", version: "1", symbols: ["BTC-USDT"]))
        }
        let instrument = try InstrumentId(parsing: "BTC-USDT")
        let time = Timestamp.utc(2026, 11, 20, 9)
        let total = 600
        func changes(_ index: Int) -> [TradingRecordChange] {
            let trade = TradeRecord(clientOrderId: ClientOrderId("r-\(index)"), strategyId: strategyId, instrument: instrument, side: .buy,
                                    orderType: .market, quantity: Quantity(FixedPoint(1)), price: nil, avgFillPrice: Price(FixedPoint(100 + index)),
                                    filledQuantity: Quantity(FixedPoint(1)), status: .filled, createdAt: time, mode: .paper)
            let position = PositionRecord(strategyId: strategyId, instrument: instrument, side: .long, quantity: Quantity(FixedPoint(index + 1)),
                                          avgEntryPrice: Price(FixedPoint(100)), openedAt: time, lastUpdated: time, mode: .paper)
            var result: [TradingRecordChange] = [.trade(trade, position: position)]
            if index % 10 == 0 {
                result.append(.riskEvent(RiskEventRecord(eventType: "drawdown", severity: .warning, strategyId: strategyId,
                                                         description: "event \(index)", createdAt: time, mode: .paper)))
            }
            if index % 7 == 0 {
                result.append(.audit(AuditLogRecord(userId: nil, action: "order.filled", resourceType: "trade", resourceId: "r-\(index)",
                                                    success: true, createdAt: time)))
            }
            return result
        }
        let writer = TradingRecordWriter(target: target, capacity: 64, batchSize: 16)
        let drain = Task { await writer.run() }
        // The second half is submitted only once the server is down, so that the writer meets
        // the outage however fast it wrote the first half.
        let (serverDown, announceServerDown) = AsyncStream<Void>.makeStream()
        let submitter = Task {
            for index in 0..<total {
                if index == total / 2 { for await _ in serverDown { break } }
                for change in changes(index) { try await writer.submit(change) }
            }
        }
        // Stop the server while the writer is busy, keep it away for a while (submitters wait
        // on the full queue meanwhile), then start it again.
        try await Wait.until("150 changes written", { writer.statistics }, satisfies: { $0.written >= 150 })
        try await cluster.stop()
        announceServerDown.yield()
        // Away until the writer has failed a batch and the submitters fill the queue.
        let pendingWhileDown = try await Wait.until("a failed batch and a full queue while the server is down", { writer.statistics },
                                                    satisfies: { $0.retried > 0 && $0.pending >= 64 }).pending
        _ = try await cluster.start()
        try await submitter.value
        await writer.flush()
        writer.finish()
        await drain.value

        let statistics = writer.statistics
        let riskEvents = (0..<total).filter { $0 % 10 == 0 }.count
        let audits = (0..<total).filter { $0 % 7 == 0 }.count
        #expect(pendingWhileDown > 0)
        #expect(statistics.retried > 0)
        #expect(statistics.refused == 0)
        #expect(statistics.pending == 0)
        #expect(statistics.written == total + riskEvents + audits)
        #expect(writer.resources.runningTasks == 0)
        #expect(writer.resources.openConnections == 0)
        #expect(try await target.count("SELECT count(*)::int FROM trades") == total)
        #expect(try await target.count("SELECT count(DISTINCT client_order_id)::int FROM trades") == total)
        #expect(try await target.count("SELECT count(*)::int FROM risk_events") == riskEvents)
        #expect(try await target.count("SELECT count(DISTINCT description)::int FROM risk_events") == riskEvents)
        #expect(try await target.count("SELECT count(*)::int FROM audit_logs WHERE resource_type = 'trade'") == audits)
        #expect(try await target.count("SELECT quantity::int FROM positions") == total)
    }
}

@Suite(.watchdog) struct TradingRecordBatchTests {
    /// A batch writes each order and position once, in its last state, yet leaves exactly the rows
    /// that the same changes upserted one by one leave: the id of an order's first row, notes given
    /// early and not repeated, every risk event. Written both ways into the same database (the rows
    /// of the first way deleted in between) and compared field by field, on both schema flavors.
    @Test(arguments: SchemaFlavor.allCases) func aBatchLeavesTheRowsOfTheChangesOneByOne(flavor: SchemaFlavor) async throws {
        guard try await ScratchDatabase.flavors().contains(flavor) else { return }
        try await ScratchDatabase.with(flavor: flavor) { database, client in
            let strategyId = try await StrategyRepository(client).upsert(StrategyRecord(name: "b", strategyType: "t", version: "1", symbols: ["BTC-USDT"]))
            let instrument = try InstrumentId(parsing: "BTC-USDT")
            let start = Timestamp.utc(2026, 11, 20, 9)
            var changes: [TradingRecordChange] = []
            var generator = TickGenerator(seed: 7)
            for step in 0..<600 {
                let order = Int(generator.next() % 40)
                let time = start.advanced(byNanoseconds: Int64(step) * 1_000_000_000)
                let filled = Int(generator.next() % 3)
                var trade = TradeRecord(id: UUID(), clientOrderId: ClientOrderId("o-\(order)"), strategyId: strategyId, instrument: instrument,
                                        side: order % 2 == 0 ? .buy : .sell, orderType: .limit, quantity: Quantity(FixedPoint(2)),
                                        price: Price(FixedPoint(100 + order)), filledQuantity: Quantity(FixedPoint(filled)),
                                        status: filled == 2 ? .filled : filled == 1 ? .partiallyFilled : .submitted, createdAt: start,
                                        submittedAt: time, mode: .replay, notes: step % 7 == 0 ? "note \(step)" : nil)
                if filled > 0 { trade.avgFillPrice = Price(FixedPoint(100 + order)); trade.firstFillAt = time }
                let position = PositionRecord(id: UUID(), strategyId: strategyId, instrument: instrument, side: order % 3 == 0 ? .short : .long,
                                              quantity: Quantity(FixedPoint(step)), avgEntryPrice: Price(FixedPoint(100)), openedAt: start,
                                              lastUpdated: time, mode: .replay)
                switch generator.next() % 10 {
                case 0: changes.append(.position(position))
                case 1: changes.append(.riskEvent(RiskEventRecord(eventType: "e\(step)", severity: .info, strategyId: strategyId,
                                                                   description: "step \(step)", createdAt: time, mode: .replay)))
                default: changes.append(.trade(trade, position: filled > 0 ? position : nil))
                }
            }
            func rows() async throws -> (trades: [TradeRecord], positions: [PositionRecord], events: [String]) {
                let trades = try await TradeRepository(client).trades(from: start, to: start.advanced(byNanoseconds: 86_400_000_000_000), mode: .replay)
                let positions = try await PositionRepository(client).positions(mode: .replay)
                let events = try await RiskEventRepository(client).events().map { "\($0.eventType) \($0.description)" }
                return (trades.sorted { $0.clientOrderId.rawValue < $1.clientOrderId.rawValue },
                        positions.sorted { "\($0.side)" < "\($1.side)" }, events.sorted())
            }
            for change in changes { try await change.apply(on: client) }
            let oneByOne = try await rows()
            for table in ["trades", "positions", "risk_events"] { _ = try await client.query(PostgresQuery(unsafeSQL: "DELETE FROM \(table)")) }
            let writer = TradingRecordWriter(target: database.target, capacity: 1_000, batchSize: 1_000)
            let drain = Task { await writer.run() }
            for change in changes { try await writer.submit(change) }
            await writer.flush()
            writer.finish()
            await drain.value
            #expect(writer.statistics.written == changes.count)
            let batched = try await rows()
            #expect(batched.trades.count == 40)
            #expect(batched.trades == oneByOne.trades)
            #expect(batched.positions == oneByOne.positions)
            #expect(batched.events == oneByOne.events)
        }
    }
}
