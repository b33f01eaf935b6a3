import Foundation
import Logging
import PostgresNIO
import Storage

/// The database a command works on: DATABASE_URL when set, else the embedded cluster (started
/// or reused), migrated to the latest schema before use so every command sees the same tables.
public enum DatabaseEnvironment {
    /// Resolves and migrates the database, then runs `body` with a pooled client.
    public static func withDatabase<Result: Sendable>(
        logger: Logger = Logger(label: "runtime.database"),
        _ body: @Sendable (DatabaseTarget, PostgresClient) async throws -> Result
    ) async throws -> Result {
        let target = try await migratedTarget(logger: logger)
        return try await target.withClient(logger: logger) { client in try await body(target, client) }
    }

    /// Resolves the database and applies pending migrations (idempotent), a first migration
    /// with the configured flavor.
    public static func migratedTarget(logger: Logger = Logger(label: "runtime.database")) async throws -> DatabaseTarget {
        let settings = try DatabaseSettings.load()
        let resolution = try DatabaseLocator.resolve(configuredURL: settings.url, logger: logger)
        _ = try await Migrator(logger: logger).migrate(target: resolution.target, flavor: settings.flavor)
        return resolution.target
    }
}
