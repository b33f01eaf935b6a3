import Foundation
import PostgresNIO
import TradingCore

/// What hosts and commands ask the database about each other: who is logged in, which host
/// trades which strategy (session advisory locks: held as long as the host's connection lives,
/// released by the server when it dies), and the strategies' statuses a running host watches.
public struct HostCoordination: Sendable {
    let session: any DatabaseSession
    public init(_ session: any DatabaseSession) { self.session = session }

    /// The PostgreSQL role this session logged in as.
    public func loginRole() async throws(StorageError) -> String {
        let rows = try await session.rows("read the login role", "SELECT session_user::text AS role")
        guard let row = rows.first else { throw .database(operation: "read the login role", message: "no row") }
        return try row.value("role", table: "session")
    }

    /// Takes this session's lock on trading `strategy`; false when another host holds it.
    public func tryLockStrategy(_ strategy: UUID) async throws(StorageError) -> Bool {
        let rows = try await session.rows("lock strategy \(strategy)",
                                          "SELECT pg_try_advisory_lock(hashtextextended(\(strategy.uuidString), 0)) AS locked")
        guard let row = rows.first else { return false }
        return try row.value("locked", table: "strategies")
    }

    /// Releases every strategy lock this session holds.
    public func unlockAllStrategies() async throws(StorageError) {
        _ = try await session.rows("unlock strategies", "SELECT pg_advisory_unlock_all()")
    }

    /// strategies.status of the named strategies (missing names are absent).
    public func statuses(of names: [StrategyName]) async throws(StorageError) -> [StrategyName: String] {
        let rows = try await session.rows("read strategy statuses",
                                          "SELECT name, status FROM strategies WHERE name = ANY(\(names.map(\.rawValue)))")
        var statuses: [StrategyName: String] = [:]
        for row in rows {
            statuses[StrategyName(try row.value("name", as: String.self, table: "strategies"))] = try row.value("status", table: "strategies")
        }
        return statuses
    }
}

extension PositionRepository {
    /// Deletes the replay positions of these strategies: a new replay supersedes the last one's
    /// (its trades stay, told apart by their order ids).
    public func deleteReplayPositions(of strategies: [UUID]) async throws(StorageError) {
        _ = try await session.execute("delete replay positions", "DELETE FROM positions WHERE mode = 'replay' AND strategy_id = ANY(\(strategies))")
    }
}
