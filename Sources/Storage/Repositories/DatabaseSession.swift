import Logging
import PostgresNIO

/// Something queries run on: a pooled `PostgresClient` or one `PostgresConnection` (e.g. inside
/// a transaction). Repositories take either, so several repositories can share one transaction:
/// ```swift
/// try await client.withTransaction(logger: logger) { connection in
///     try await TradeRepository(connection).upsert(trade)
///     try await PositionRepository(connection).upsert(position)
/// }
/// ```
public protocol DatabaseSession: Sendable {
    /// Runs one parameterized query and returns its rows.
    func run(_ query: PostgresQuery) async throws -> PostgresRowSequence
}

let storageQueryLogger = Logger(label: "storage.query")

extension PostgresClient: DatabaseSession {
    public func run(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        try await self.query(query, logger: storageQueryLogger)
    }
}

extension PostgresConnection: DatabaseSession {
    public func run(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        try await self.query(query, logger: storageQueryLogger)
    }
}

extension DatabaseSession {
    /// Runs a query, turning server errors into `StorageError.database` naming the operation.
    @discardableResult
    func execute(_ operation: String, _ query: PostgresQuery) async throws(StorageError) -> PostgresRowSequence {
        do { return try await run(query) } catch {
            throw .database(operation: operation, message: postgresErrorText(error))
        }
    }

    /// Runs a query and collects its rows.
    func rows(_ operation: String, _ query: PostgresQuery) async throws(StorageError) -> [PostgresRow] {
        do {
            var result: [PostgresRow] = []
            for try await row in try await run(query) { result.append(row) }
            return result
        } catch {
            throw .database(operation: operation, message: postgresErrorText(error))
        }
    }
}

extension PostgresRow {
    /// The value of `column` decoded as `T`, with a Storage error naming table and column.
    func value<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self, table: String) throws(StorageError) -> T {
        do { return try makeRandomAccess()[column].decode(T.self, context: .default) } catch {
            throw .decoding(table: table, column: column, value: "?", reason: "\(error)")
        }
    }
}
