import Logging
import PostgresNIO
import Storage
import Synchronization
import TradingCore

/// Brings operators' changes of the strategies' statuses (`runtime pause|resume|stop|halt`) to a
/// running host.
///
/// The CLI sends `NOTIFY strategy_control` with every change it commits. The watcher LISTENs on a
/// connection of its own and re-reads the statuses at each notification, so a change reaches the
/// host as soon as it is committed. Polling stays as the fallback: every `interval` while the
/// listening connection is down (the server restarting) and every ``listeningPollInterval`` (or
/// `interval`, if longer) while it is up, for a status changed with plain SQL, which sends no
/// NOTIFY. Every reading is
/// delivered whole; the host acts only on what changed.
enum StrategyStatusWatcher {
    /// How often statuses are re-read while the LISTEN connection is up.
    static let listeningPollInterval = Duration.seconds(5)

    static func watch(target: DatabaseTarget, names: [StrategyName], pollEvery interval: Duration,
                      logger: Logger = Logger(label: "runtime.host.control"),
                      _ deliver: @escaping @Sendable ([StrategyName: String]) -> Void) async {
        let listening = ListeningFlag()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await listen(target: target, names: names, retryEvery: interval, listening: listening, logger: logger, deliver)
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: listening.isUp ? max(interval, listeningPollInterval) : interval)
                    guard !Task.isCancelled else { break }
                    do {
                        let connection = try await target.connect(logger: logger)
                        defer { Task { try? await connection.close() } }
                        deliver(try await readStatuses(on: connection, names: names, logger: logger))
                    } catch {
                        // The database may be restarting; the next poll tries again.
                    }
                }
            }
        }
    }

    /// LISTENs for as long as the connection lasts, reading the statuses once LISTEN is in place
    /// (so that no change between connecting and listening is missed) and at every notification;
    /// reconnects after `interval` when the connection is lost.
    private static func listen(target: DatabaseTarget, names: [StrategyName], retryEvery interval: Duration,
                               listening: ListeningFlag, logger: Logger,
                               _ deliver: @Sendable ([StrategyName: String]) -> Void) async {
        while !Task.isCancelled {
            do {
                let connection = try await target.connect(logger: logger)
                do {
                    // The notification sequence does not end when the task is cancelled; closing
                    // the connection ends it, so a stopped watcher leaves no session behind.
                    try await withTaskCancellationHandler {
                        try await connection.listen(on: NotificationChannel.strategyControl.rawValue) { notifications in
                            listening.set(true)
                            deliver(try await readStatuses(on: connection, names: names, logger: logger))
                            for try await _ in notifications {
                                deliver(try await readStatuses(on: connection, names: names, logger: logger))
                            }
                        }
                    } onCancel: {
                        connection.close().whenComplete { _ in }
                    }
                } catch {
                    if !Task.isCancelled {
                        logger.info("lost the strategy_control LISTEN connection; polling until it is back",
                                    metadata: ["error": "\(error)"])
                    }
                }
                listening.set(false)
                try? await connection.close()
            } catch {
                // The server is unreachable: the poll covers it, the next attempt reconnects.
            }
            try? await Task.sleep(for: interval)
        }
    }

    static func readStatuses(on connection: PostgresConnection, names: [StrategyName],
                             logger: Logger) async throws -> [StrategyName: String] {
        try await HostCoordination(connection).statuses(of: names)
    }
}

/// Whether the LISTEN connection is up, shared by the listening and the polling task.
private final class ListeningFlag: Sendable {
    private let value = Mutex(false)
    var isUp: Bool { value.withLock { $0 } }
    func set(_ up: Bool) { value.withLock { $0 = up } }
}
