import Logging
import PostgresNIO

/// The runtime's periodic storage maintenance: every `interval`, premake/drain/expire partitions
/// and refresh the rollups (`StorageMaintenance`). Failures are logged and retried at the next
/// tick; the job ends when its task is cancelled. Run it next to the host:
/// `group.addTask { await MaintenanceJob(client: client).run() }`.
public struct MaintenanceJob: Sendable {
    let client: PostgresClient
    let interval: Duration
    let logger: Logger

    public init(client: PostgresClient, interval: Duration = .seconds(60), logger: Logger = Logger(label: "storage.maintenance")) {
        self.client = client
        self.interval = interval
        self.logger = logger
    }

    /// Runs one maintenance pass now.
    public func runOnce() async throws(StorageError) {
        let maintenance = StorageMaintenance(client)
        let actions = try await maintenance.maintainPartitions()
        for action in actions {
            logger.info("partition \(action.action)", metadata: ["table": "\(action.table)", "partition": "\(action.partition)"])
        }
        let refreshed = try await maintenance.refreshRollups()
        logger.debug("rollups refreshed", metadata: ["buckets": "\(refreshed)"])
    }

    /// Runs a pass every `interval` until cancelled.
    public func run() async {
        while !Task.isCancelled {
            do { try await runOnce() } catch {
                logger.warning("storage maintenance failed; retrying next round", metadata: ["error": "\(error)"])
            }
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }
}
