import Foundation
import Logging
import PostgresNIO
@testable import Storage
import TestSupport
import Testing
import TradingCore

/// What the writers leave behind when the server goes away, and how they settle a COMMIT whose
/// answer was lost. Each test runs its own throwaway cluster (they restart it or change its
/// settings).
@Suite(.watchdog) struct WriterConnectionLossTests {
    private let logger = Logger(label: "test")

    /// Book snapshots and metrics for `count` distinct times, the book rows first.
    private func bookAndMetricRows(_ count: Int, from start: Timestamp) throws -> [MarketDataRow] {
        let instrument = try InstrumentId(parsing: "BTC-USDT-SWAP")
        let levels = [BookLevel(price: Price(FixedPoint(100)), size: Quantity(FixedPoint(2)), orderCount: 3)]
        var rows: [MarketDataRow] = []
        for index in 0..<count {
            let time = Timestamp(nanosecondsSinceEpoch: start.nanosecondsSinceEpoch + Int64(index) * 1_000_000_000)
            rows.append(.book(BookSnapshotRecord(instrument: instrument, timestamp: time, bids: levels, asks: levels, checksum: Int32(index), channel: .books5)))
            rows.append(.metric(SystemMetricRecord(timestamp: time, category: "feed", name: "lag", value: FixedPoint(index))))
        }
        return rows
    }

    /// Polls the server until `sql` (a count) is positive: the test's way to see the writer
    /// reach a given statement.
    private func waitUntilPositive(_ target: DatabaseTarget, _ sql: String) async throws {
        try await Wait.until("a positive count from \(sql)", { try await target.count(sql) }, satisfies: { $0 > 0 })
    }

    /// Client backends other than the asking one, as the server sees them.
    private static let otherClients = "SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"

    /// A statement handed to a connection that has already closed fails at once: before the
    /// fix, postgres-nio dropped it silently and the task awaiting it waited forever.
    @Test func aStatementOnAClosedConnectionFailsAndItsTaskEnds() async throws {
        try await ScratchDatabase.with { database, _ in
            let resources = WriterResources()
            let guarded = ConnectionLossGuard(try await database.target.connect(), resources: resources)
            try await guarded.connection.close()
            await #expect(throws: ConnectionLossGuard.ConnectionLost.self) {
                try await guarded.run { connection in try await connection.query("SELECT 1", logger: logger) }
            }
            await resources.waitForAbandonedWork()
            #expect(resources.runningTasks == 0)
            #expect(resources.openConnections == 0)
        }
    }

    /// The market-data writer's INSERT is held on a table lock when the server restarts, so a
    /// batch is in flight at that moment. After the writer finished: every row is stored exactly
    /// once, its run() has returned with no task of its own still running and no connection
    /// open, and the restarted server sees no client but the test's.
    @Test func aRestartMidBatchLeavesNoTaskOrConnectionBehind() async throws {
        let cluster = try ScratchDatabase.makeTemporaryCluster()
        defer { ScratchDatabase.removeTemporaryCluster(cluster) }
        let target = try await cluster.start()
        _ = try await Migrator().migrate(target: target)
        let writer = MarketDataWriter(target: target, configuration: .init(capacity: 10_000, batchSize: 200,
                                                                            initialBackoff: .milliseconds(20), maximumBackoff: .milliseconds(200)))
        let rows = try bookAndMetricRows(600, from: Timestamp.utc(2026, 11, 20, 8))
        let blocker = try await target.connect()
        try await blocker.query("BEGIN", logger: logger)
        try await blocker.query("LOCK TABLE order_book_snapshots IN ACCESS EXCLUSIVE MODE", logger: logger)
        let drain = Task { await writer.run() }
        for row in rows[..<400] { #expect(writer.submit(row) == .accepted) }
        try await waitUntilPositive(target, "SELECT count(*)::int FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO order_book_snapshots%'")
        try await cluster.stop()
        _ = try await cluster.start()
        try? await blocker.close()
        for row in rows[400...] { #expect(writer.submit(row) == .accepted) }
        await writer.flush()
        writer.finish()
        await drain.value

        #expect(writer.statistics.retried > 0)
        #expect(writer.statistics.written == rows.count)
        #expect(writer.resources.runningTasks == 0)
        #expect(writer.resources.openConnections == 0)
        #expect(try await target.count("SELECT count(*)::int FROM order_book_snapshots") == rows.count / 2)
        #expect(try await target.count("SELECT count(*)::int FROM system_metrics") == rows.count / 2)
        // The server ends a backend a moment after its client said goodbye: wait for that.
        try await waitUntilZero(target, Self.otherClients)
    }

    private func waitUntilZero(_ target: DatabaseTarget, _ sql: String) async throws {
        try await Wait.until("a zero count from \(sql)", { try await target.count(sql) }, satisfies: { $0 == 0 })
    }

    /// The server is made to hold the writer's COMMIT (a synchronous standby that does not
    /// exist), and the writer's backend is then terminated: the transaction is committed, its
    /// answer lost. The writer asks the server on its next connection and does not write the
    /// batch again — book snapshots and metrics have no unique key, so a second write would
    /// store every row twice.
    @Test func aMarketDataCommitInDoubtIsResolvedByTheServer() async throws {
        let cluster = try ScratchDatabase.makeTemporaryCluster()
        defer { ScratchDatabase.removeTemporaryCluster(cluster) }
        let target = try await cluster.start()
        _ = try await Migrator().migrate(target: target)
        try await holdCommits(true, on: target)
        let writer = MarketDataWriter(target: target, configuration: .init(capacity: 10_000, batchSize: 1_000,
                                                                            initialBackoff: .milliseconds(20), maximumBackoff: .milliseconds(200)))
        let rows = try bookAndMetricRows(300, from: Timestamp.utc(2026, 11, 20, 8))
        let drain = Task { await writer.run() }
        for row in rows[..<400] { #expect(writer.submit(row) == .accepted) }
        try await loseTheHeldCommitsAnswer(on: target)
        await writer.flush()
        for row in rows[400...] { #expect(writer.submit(row) == .accepted) }
        await writer.flush()
        writer.finish()
        await drain.value

        #expect(writer.statistics.retried > 0)
        #expect(writer.statistics.written == rows.count)
        #expect(writer.resources.runningTasks == 0)
        #expect(writer.resources.openConnections == 0)
        #expect(try await target.count("SELECT count(*)::int FROM order_book_snapshots") == rows.count / 2)
        #expect(try await target.count("SELECT count(DISTINCT checksum)::int FROM order_book_snapshots") == rows.count / 2)
        #expect(try await target.count("SELECT count(*)::int FROM system_metrics") == rows.count / 2)
    }

    /// The same for the trading writer, end to end: audit rows (no unique key) whose COMMIT
    /// answer was lost are stored once.
    @Test func aTradingCommitInDoubtIsResolvedByTheServer() async throws {
        let cluster = try ScratchDatabase.makeTemporaryCluster()
        defer { ScratchDatabase.removeTemporaryCluster(cluster) }
        let target = try await cluster.start()
        _ = try await Migrator().migrate(target: target)
        try await holdCommits(true, on: target)
        let writer = TradingRecordWriter(target: target, capacity: 100, batchSize: 50)
        let time = Timestamp.utc(2026, 11, 20, 9)
        func audit(_ index: Int) -> TradingRecordChange {
            .audit(AuditLogRecord(userId: nil, action: "order.filled", resourceType: "doubt", resourceId: "d-\(index)", success: true, createdAt: time))
        }
        let drain = Task { await writer.run() }
        for index in 0..<20 { try await writer.submit(audit(index)) }
        try await loseTheHeldCommitsAnswer(on: target)
        await writer.flush()
        for index in 20..<40 { try await writer.submit(audit(index)) }
        await writer.flush()
        writer.finish()
        await drain.value

        #expect(writer.statistics.retried > 0)
        #expect(writer.statistics.written == 40)
        #expect(writer.resources.runningTasks == 0)
        #expect(writer.resources.openConnections == 0)
        #expect(try await target.count("SELECT count(*)::int FROM audit_logs WHERE resource_type = 'doubt'") == 40)
        #expect(try await target.count("SELECT count(DISTINCT resource_id)::int FROM audit_logs WHERE resource_type = 'doubt'") == 40)
    }

    /// Once the writer's COMMIT waits for the standby, ends its backend (the transaction commits
    /// on the server, the writer never hears so) and lets commits through again.
    private func loseTheHeldCommitsAnswer(on target: DatabaseTarget, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await waitUntilPositive(target, "SELECT count(*)::int FROM pg_stat_activity WHERE wait_event = 'SyncRep'")
        #expect(try await target.count("SELECT count(pg_terminate_backend(pid))::int FROM pg_stat_activity WHERE wait_event = 'SyncRep'") == 1,
                sourceLocation: sourceLocation)
        try await holdCommits(false, on: target)
    }

    /// Makes every COMMIT wait for a synchronous standby that never comes (or stops that), and
    /// waits until new sessions see the setting.
    private func holdCommits(_ hold: Bool, on target: DatabaseTarget) async throws {
        let connection = try await target.connect()
        // The scratch cluster turns synchronous_commit off (speed); a COMMIT waits for a
        // standby only with it on.
        let statements = hold ? ["ALTER SYSTEM SET synchronous_commit = on", "ALTER SYSTEM SET synchronous_standby_names = 'nobody'"]
                              : ["ALTER SYSTEM RESET synchronous_commit", "ALTER SYSTEM RESET synchronous_standby_names"]
        for statement in statements + ["SELECT pg_reload_conf()"] {
            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
        try await connection.close()
        let wanted = hold ? "nobody" : ""
        try await Wait.until("synchronous_standby_names = '\(wanted)' in new sessions", {
            let probe = try await target.connect()
            var current = ""
            for try await value in try await probe.query("SHOW synchronous_standby_names", logger: logger).decode(String.self) { current = value }
            try await probe.close()
            return current
        }, satisfies: { $0 == wanted })
    }
}
