import Foundation
import Logging
import PostgresNIO
@testable import RuntimeHost
import Storage
import Testing
import TradingCore

/// A running host learns of operators' status changes through LISTEN/NOTIFY on a real
/// PostgreSQL, and keeps learning of them when its listening connection is lost.
@Suite struct StrategyStatusWatcherTests {
    /// Starts a watcher of `sma_test` and returns the stream of what it delivers.
    static func watch(_ target: DatabaseTarget, pollEvery interval: Duration)
        -> (readings: AsyncStream<String?>, task: Task<Void, Never>) {
        let (readings, continuation) = AsyncStream<String?>.makeStream()
        let task = Task {
            await StrategyStatusWatcher.watch(target: target, names: ["sma_test"], pollEvery: interval) { statuses in
                continuation.yield(statuses["sma_test"])
            }
            continuation.finish()
        }
        return (readings, task)
    }

    /// The next reading that is `status` (readings repeat until the status changes).
    static func next(_ status: String, in iterator: inout AsyncStream<String?>.Iterator) async -> Bool {
        while let reading = await iterator.next() {
            if reading == status { return true }
        }
        return false
    }

    @Test(.timeLimit(.minutes(1))) func aPauseArrivesByNotificationLongBeforeAnyPoll() async throws {
        try await ScratchDatabase.with { database, client in
            try await OperatorTestSupport.deploy(ManifestValidatorTests.good, client: client)
            let admin = try await OperatorAccess(client: client).authorize("admin", for: .controlTrading, action: "test",
                                                                            resourceType: "strategy", resourceId: nil)
            // Polls ten minutes apart: only the notification can deliver the change within the test's minute.
            let (readings, task) = Self.watch(database.target, pollEvery: .seconds(600))
            defer { task.cancel() }
            var iterator = readings.makeAsyncIterator()
            // The first reading comes once LISTEN is in place.
            #expect(await iterator.next() == "paper_trading")
            try await StrategyControl(client: client).apply(.pause, to: "sma_test", by: admin)
            #expect(await Self.next("paused", in: &iterator))
        }
    }

    @Test(.timeLimit(.minutes(1))) func aLostListeningConnectionIsReplacedAndChangesStillArrive() async throws {
        try await ScratchDatabase.with { database, client in
            try await OperatorTestSupport.deploy(ManifestValidatorTests.good, client: client)
            let admin = try await OperatorAccess(client: client).authorize("admin", for: .controlTrading, action: "test",
                                                                            resourceType: "strategy", resourceId: nil)
            let (readings, task) = Self.watch(database.target, pollEvery: .milliseconds(300))
            defer { task.cancel() }
            var iterator = readings.makeAsyncIterator()
            #expect(await iterator.next() == "paper_trading")

            // The server drops the listening connection (its last query was the status reading).
            // Only in this test's database: the scratch cluster is shared, and other tests' hosts listen too.
            let terminated = try await client.query("""
                SELECT count(pg_terminate_backend(pid))::int FROM pg_stat_activity
                WHERE pid <> pg_backend_pid() AND datname = current_database()
                  AND query LIKE 'SELECT name, status FROM strategies%'
                """).decode(Int.self)
            var killed = 0
            for try await count in terminated { killed = count }
            #expect(killed >= 1)

            try await StrategyControl(client: client).apply(.pause, to: "sma_test", by: admin)
            #expect(await Self.next("paused", in: &iterator))
            // Listening again: a resume arrives as well.
            try await StrategyControl(client: client).apply(.resume, to: "sma_test", by: admin)
            #expect(await Self.next("paper_trading", in: &iterator))
        }
    }
}
