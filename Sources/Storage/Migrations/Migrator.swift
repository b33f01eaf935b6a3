import Foundation
import Logging
import PostgresNIO

/// Applies migrations/NNN_name[.flavor].sql in order, each in one transaction, and records
/// them in `schema_migrations(version, name, checksum, flavor, applied_at)`.
///
/// - Idempotent: applied versions are skipped.
/// - Refuses to run (before applying anything) when an applied file's checksum changed.
/// - A failing migration is rolled back whole and reported with its file and statement.
/// - The flavor is chosen on the first run (TimescaleDB when the extension is available and
///   preloaded, else plain PostgreSQL, saying why) and then kept for good.
/// - Concurrent migrators serialize on an advisory lock.
public final class Migrator: Sendable {
    /// Which flavor to use on a database that has none yet.
    public enum FlavorChoice: Sendable, Equatable {
        /// TimescaleDB when usable, else plain PostgreSQL.
        case automatic
        /// Exactly this flavor (TimescaleDB fails when it is not usable).
        case required(SchemaFlavor)
    }

    /// One migration's state.
    public struct Entry: Sendable, Equatable {
        public var version: Int
        public var name: String
        public var fileName: String?
        public var appliedAt: String?
        public var checksumMatches: Bool
    }

    /// The outcome of `migrate()` or `status()`.
    public struct Report: Sendable {
        public var flavor: SchemaFlavor
        /// Why this flavor (e.g. "TimescaleDB is not installed on the server").
        public var flavorReason: String
        public var applied: [Entry]
        public var pending: [Entry]
        /// Versions applied by this call.
        public var newlyApplied: [Int]
    }

    private let source: MigrationSource
    private let logger: Logger

    public init(source: MigrationSource = .standard(), logger: Logger = Logger(label: "storage.migrator")) {
        self.source = source
        self.logger = logger
    }

    /// Applies every pending migration.
    public func migrate(target: DatabaseTarget, flavor choice: FlavorChoice = .automatic) async throws -> Report {
        let connection = try await target.connect(logger: logger)
        do {
            let report = try await run(on: connection, choice: choice, apply: true)
            try await connection.close()
            return report
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Lists applied and pending migrations without changing anything.
    public func status(target: DatabaseTarget) async throws -> Report {
        let connection = try await target.connect(logger: logger)
        do {
            let report = try await run(on: connection, choice: .automatic, apply: false)
            try await connection.close()
            return report
        } catch {
            try? await connection.close()
            throw error
        }
    }

    private struct AppliedRow { var version: Int; var name: String; var checksum: String; var flavor: String; var appliedAt: String }

    private func run(on connection: PostgresConnection, choice: FlavorChoice, apply: Bool) async throws -> Report {
        // Session-level: released when the connection closes, whatever happens below.
        try await execute(connection, "SELECT pg_advisory_lock(7305150301)")
        if apply {
            try await execute(connection, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    INTEGER PRIMARY KEY,
                    name       TEXT NOT NULL,
                    checksum   TEXT NOT NULL,
                    flavor     TEXT NOT NULL CHECK (flavor IN ('timescaledb', 'postgres')),
                    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                """)
        }
        let applied = try await appliedRows(connection)
        let flavor: SchemaFlavor
        let reason: String
        if let first = applied.first {
            guard let recorded = SchemaFlavor(rawValue: first.flavor) else {
                throw StorageError.migrationSource(reason: "schema_migrations records unknown flavor '\(first.flavor)'")
            }
            flavor = recorded
            reason = "recorded when the database was first migrated"
        } else {
            (flavor, reason) = try await chooseFlavor(connection, choice: choice)
        }
        let plan = try source.plan(for: flavor)
        let appliedByVersion = Dictionary(applied.map { ($0.version, $0) }, uniquingKeysWith: { first, _ in first })
        var appliedEntries: [Entry] = []
        var pending: [MigrationFile] = []
        for file in plan {
            if let row = appliedByVersion[file.version] {
                if row.checksum != file.checksum && apply {
                    throw StorageError.migrationChecksumMismatch(version: file.version, name: row.name, recorded: row.checksum, current: file.checksum)
                }
                appliedEntries.append(Entry(version: file.version, name: row.name, fileName: file.fileName, appliedAt: row.appliedAt, checksumMatches: row.checksum == file.checksum))
            } else {
                pending.append(file)
            }
        }
        for row in applied where !plan.contains(where: { $0.version == row.version }) {
            logger.warning("applied migration has no file", metadata: ["version": "\(row.version)", "name": "\(row.name)"])
            appliedEntries.append(Entry(version: row.version, name: row.name, fileName: nil, appliedAt: row.appliedAt, checksumMatches: false))
        }
        var newlyApplied: [Int] = []
        if apply {
            for file in pending {
                try await applyMigration(file, flavor: flavor, on: connection)
                newlyApplied.append(file.version)
                logger.info("applied migration", metadata: ["file": "\(file.fileName)", "flavor": "\(flavor.rawValue)"])
            }
        }
        let remaining = apply ? [] : pending
        let finalApplied = apply ? try await appliedRows(connection).map { row in
            Entry(version: row.version, name: row.name, fileName: plan.first { $0.version == row.version }?.fileName, appliedAt: row.appliedAt, checksumMatches: true)
        } : appliedEntries
        return Report(flavor: flavor, flavorReason: reason, applied: finalApplied,
                      pending: remaining.map { Entry(version: $0.version, name: $0.name, fileName: $0.fileName, appliedAt: nil, checksumMatches: true) },
                      newlyApplied: newlyApplied)
    }

    private func appliedRows(_ connection: PostgresConnection) async throws -> [AppliedRow] {
        let exists = try await connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger)
        var tableExists = false
        for try await value in exists.decode(Bool.self) { tableExists = value }
        guard tableExists else { return [] }
        let rows = try await connection.query(
            "SELECT version, name, checksum, flavor, to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM schema_migrations ORDER BY version",
            logger: logger)
        var result: [AppliedRow] = []
        for try await (version, name, checksum, flavor, appliedAt) in rows.decode((Int, String, String, String, String).self) {
            result.append(AppliedRow(version: version, name: name, checksum: checksum, flavor: flavor, appliedAt: appliedAt))
        }
        return result
    }

    private func chooseFlavor(_ connection: PostgresConnection, choice: FlavorChoice) async throws -> (SchemaFlavor, String) {
        if choice == .required(.postgres) { return (.postgres, "plain PostgreSQL was requested") }
        // The version that CREATE EXTENSION would give (or that this database already has), and
        // the license of the library the server preloaded.
        let rows = try await connection.query("""
            SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'),
                   coalesce(current_setting('shared_preload_libraries', true), '') LIKE '%timescaledb%',
                   coalesce((SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'),
                            (SELECT default_version FROM pg_available_extensions WHERE name = 'timescaledb'), ''),
                   current_setting('timescaledb.license', true)
            """, logger: logger)
        var available = false
        var preloaded = false
        var version = ""
        var license: String?
        for try await (isAvailable, isPreloaded, extensionVersion, licenseSetting) in rows.decode((Bool, Bool, String, String?).self) {
            (available, preloaded, version, license) = (isAvailable, isPreloaded, extensionVersion, licenseSetting)
        }
        let refusal = available && preloaded ? TimescaleDBSupport.refusal(version: version, license: license) : nil
        switch (choice, available && preloaded && refusal == nil) {
        case (_, true):
            return (.timescaledb, "TimescaleDB \(version) is installed and preloaded on the server")
        case (.required(.timescaledb), false):
            throw StorageError.migrationSource(reason: "the TimescaleDB flavor was requested but \(refusal ?? (available ? "the server does not preload timescaledb (add it to shared_preload_libraries)" : "the server has no timescaledb extension installed"))")
        default:
            let reason = refusal.map { "\($0). This database gets the plain PostgreSQL flavor, for good: fix that before its first migrate to have TimescaleDB" }
                ?? (available
                    ? "TimescaleDB is installed but not in shared_preload_libraries, so plain PostgreSQL is used"
                    : "TimescaleDB is not installed on the server, so plain PostgreSQL is used")
            logger.notice("\(reason)")
            return (.postgres, reason)
        }
    }

    private func applyMigration(_ file: MigrationFile, flavor: SchemaFlavor, on connection: PostgresConnection) async throws {
        let statements = SQLStatementSplitter.split(file.sql)
        try await execute(connection, "BEGIN")
        // Lets a migration change what triggers keep append-only for everyone else (audit_logs).
        try await execute(connection, "SET LOCAL runtime.migrating = 'on'")
        for statement in statements {
            do {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw StorageError.migrationFailed(file: file.fileName, statement: statement, message: postgresErrorText(error))
            }
        }
        do {
            try await connection.query(
                "INSERT INTO schema_migrations (version, name, checksum, flavor) VALUES (\(file.version), \(file.name), \(file.checksum), \(flavor.rawValue))",
                logger: logger)
            try await execute(connection, "COMMIT")
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw StorageError.migrationFailed(file: file.fileName, statement: "COMMIT", message: postgresErrorText(error))
        }
    }

    private func execute(_ connection: PostgresConnection, _ sql: String) async throws {
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        } catch {
            throw StorageError.database(operation: sql.split(separator: "\n").first.map(String.init) ?? sql, message: postgresErrorText(error))
        }
    }
}
