import Foundation
import Logging
import PostgresNIO
@testable import RuntimeHost
import Storage
import Synchronization
import TestSupport
import Testing
import TradingCore

/// A running host learns of operators' status changes through LISTEN/NOTIFY on a real
/// PostgreSQL, and keeps learning of them when its listening connection is lost.
@Suite(.watchdog) struct StrategyStatusWatcherTests {
    /// What a watcher delivered so far: the status of `sma_test` at each reading.
    final class Readings: Sendable {
        private let readings = Mutex<[String?]>([])
        func append(_ status: String?) { readings.withLock { $0.append(status) } }
        var all: [String?] { readings.withLock { $0 } }
    }

    /// Starts a watcher of `sma_test` and returns what it delivers.
    static func watch(_ target: DatabaseTarget, pollEvery interval: Duration) -> (readings: Readings, task: Task<Void, Never>) {
        let readings = Readings()
        let task = Task {
            await StrategyStatusWatcher.watch(target: target, names: ["sma_test"], pollEvery: interval) { statuses in
                readings.append(statuses["sma_test"])
            }
        }
        return (readings, task)
    }

    /// Waits until a reading after the first `after` ones is `status`.
    static func waitFor(_ status: String, after: Int, in readings: Readings, within deadline: Duration = .minutes(5)) async throws {
        try await Wait.until("a reading of '\(status)' after reading \(after)", within: deadline, { readings.all },
                             satisfies: { $0.dropFirst(after).contains(status) })
    }

    @Test func aPauseArrivesByNotificationLongBeforeAnyPoll() async throws {
        try await ScratchDatabase.with { database, client in
            try await OperatorTestSupport.deploy(ManifestValidatorTests.good, client: client)
            let admin = try await OperatorAccess(client: client).authorize(identity: "admin", for: .controlTrading, action: "test",
                                                                            resourceType: "strategy", resourceId: nil)
            // Polls an hour apart: within the five minutes waited below, only the notification
            // can deliver the change.
            let (readings, task) = Self.watch(database.target, pollEvery: .seconds(3_600))
            defer { task.cancel() }
            // The first reading comes once LISTEN is in place.
            try await Self.waitFor("paper_trading", after: 0, in: readings)
            let before = readings.all.count
            try await StrategyControl(client: client).apply(.pause, to: "sma_test", by: admin)
            try await Self.waitFor("paused", after: before, in: readings)
        }
    }

    @Test func aLostListeningConnectionIsReplacedAndChangesStillArrive() async throws {
        try await ScratchDatabase.with { database, client in
            try await OperatorTestSupport.deploy(ManifestValidatorTests.good, client: client)
            let admin = try await OperatorAccess(client: client).authorize(identity: "admin", for: .controlTrading, action: "test",
                                                                            resourceType: "strategy", resourceId: nil)
            let (readings, task) = Self.watch(database.target, pollEvery: .milliseconds(300))
            defer { task.cancel() }
            try await Self.waitFor("paper_trading", after: 0, in: readings)

            // The server drops the listening connection (idle, its last query the status reading).
            // Only in this test's database: the scratch cluster is shared, and other tests' hosts listen too.
            // The first reading may have come from the poll, before the listening connection read:
            // under load it is still connecting, so the drop is tried until it finds it.
            try await Wait.until("the listening connection to be dropped") {
                try await SQLTestQueries.count(client, """
                    SELECT count(pg_terminate_backend(pid))::int FROM pg_stat_activity
                    WHERE pid <> pg_backend_pid() AND datname = current_database() AND state = 'idle'
                      AND query LIKE 'SELECT name, status FROM strategies%'
                    """) >= 1
            }

            var before = readings.all.count
            try await StrategyControl(client: client).apply(.pause, to: "sma_test", by: admin)
            try await Self.waitFor("paused", after: before, in: readings)
            // Listening again: a resume arrives as well.
            before = readings.all.count
            try await StrategyControl(client: client).apply(.resume, to: "sma_test", by: admin)
            try await Self.waitFor("paper_trading", after: before, in: readings)
        }
    }
}
