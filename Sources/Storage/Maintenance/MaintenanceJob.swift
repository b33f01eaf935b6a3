import Logging
import PostgresNIO

/// The runtime's periodic storage maintenance (``StorageMaintenance/maintain(now:)``): every
/// `interval`, one pass by whichever host holds the maintenance lock (a session advisory lock,
/// so two hosts on one database never run it at once; the other skips its turn). Failures are
/// logged and retried at the next tick; the job ends when its task is cancelled.
public struct MaintenanceJob: Sendable {
    /// The advisory lock key that makes one host at a time run the pass.
    public static let lockKey: Int64 = 7_305_150_304

    let client: PostgresClient
    let interval: Duration
    let logger: Logger

    public init(client: PostgresClient, interval: Duration = .seconds(60), logger: Logger = Logger(label: "storage.maintenance")) {
        self.client = client
        self.interval = interval
        self.logger = logger
    }

    /// Runs one pass now if no other host is running one; returns its report, nil when skipped.
    @discardableResult
    public func runOnce() async throws -> MaintenanceReport? {
        try await client.withConnection { connection -> MaintenanceReport? in
            let locked = try await connection.query("SELECT pg_try_advisory_lock(\(Self.lockKey)) AS locked", logger: logger)
            var acquired = false
            for try await value in locked.decode(Bool.self) { acquired = value }
            guard acquired else {
                logger.debug("storage maintenance skipped: another host holds the lock")
                return nil
            }
            let outcome: Result<MaintenanceReport, any Error>
            do { outcome = .success(try await StorageMaintenance(connection).maintain()) } catch { outcome = .failure(error) }
            _ = try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
            let report = try outcome.get()
            for action in report.partitionActions {
                logger.info("partition \(action.action)", metadata: ["table": "\(action.table)", "partition": "\(action.partition)"])
            }
            for job in report.jobsRun { logger.debug("TimescaleDB job run", metadata: ["job": "\(job)"]) }
            logger.debug("rollups refreshed", metadata: ["buckets": "\(report.rollupsRefreshed)"])
            return report
        }
    }

    /// Runs a pass every `interval` until cancelled.
    public func run() async {
        while !Task.isCancelled {
            do { try await runOnce() } catch {
                logger.warning("storage maintenance failed; retrying next round", metadata: ["error": "\(String(reflecting: error))"])
            }
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }
}
