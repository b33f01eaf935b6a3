import Logging
import PostgresNIO
import Storage
import TradingCore

/// Reads the strategies' statuses every so often, so operator changes made with the CLI reach a
/// running host within a poll interval (the CLI also sends NOTIFY strategy_control).
enum StrategyStatusPoller {
    static func poll(target: DatabaseTarget, names: [StrategyName], every interval: Duration,
                     _ deliver: @Sendable ([StrategyName: String]) -> Void) async {
        while !Task.isCancelled {
            do {
                deliver(try await readStatuses(target: target, names: names))
            } catch {
                // The database may be restarting; the next poll tries again.
            }
            try? await Task.sleep(for: interval)
        }
    }

    static func readStatuses(target: DatabaseTarget, names: [StrategyName]) async throws -> [StrategyName: String] {
        let connection = try await target.connect()
        defer { Task { try? await connection.close() } }
        let rows = try await connection.query("SELECT name, status FROM strategies WHERE name = ANY(\(names.map(\.rawValue)))",
                                              logger: Logger(label: "runtime.host.control"))
        var statuses: [StrategyName: String] = [:]
        for try await (name, status) in rows.decode((String, String).self) { statuses[StrategyName(name)] = status }
        return statuses
    }
}
