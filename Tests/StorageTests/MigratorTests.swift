import Foundation
import PostgresNIO
@testable import Storage
import TestSupport
import Testing

@Suite(.watchdog) struct MigratorTests {
    /// A copy of the project's migrations in a temporary folder, so a test can edit them.
    private func copyOfMigrations() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("migrations-\(UUID().uuidString)").path
        try FileManager.default.copyItem(atPath: MigrationSource.sourceTreeDirectory, toPath: folder)
        return folder
    }

    @Test func migrateIsIdempotent() async throws {
        let database = try await ScratchDatabase.create(migrated: false)
        defer { Task { try? await database.drop() } }
        let migrator = Migrator(source: MigrationSource(directory: MigrationSource.sourceTreeDirectory))
        // Every version in the folder, so adding a migration does not break this test.
        let versions = Set(try MigrationSource(directory: MigrationSource.sourceTreeDirectory).load().map(\.version)).sorted()
        let first = try await migrator.migrate(target: database.target)
        #expect(first.newlyApplied == versions)
        #expect(first.flavor == .postgres || first.flavor == .timescaledb)
        let second = try await migrator.migrate(target: database.target)
        #expect(second.newlyApplied.isEmpty)
        #expect(second.applied.map(\.version) == versions)
        let status = try await migrator.status(target: database.target)
        #expect(status.pending.isEmpty)
        try await database.target.withClient { client in
            let rows = try await client.query("SELECT count(*)::int, min(flavor), max(flavor) FROM schema_migrations")
            for try await (count, low, high) in rows.decode((Int, String, String).self) {
                #expect(count == versions.count)
                #expect(low == high)
            }
        }
    }

    @Test func refusesWhenAnAppliedFileChanged() async throws {
        let folder = try copyOfMigrations()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let database = try await ScratchDatabase.create(migrated: false)
        defer { Task { try? await database.drop() } }
        let migrator = Migrator(source: MigrationSource(directory: folder))
        _ = try await migrator.migrate(target: database.target)
        let file = folder + "/001_initial_schema.sql"
        try (try String(contentsOfFile: file, encoding: .utf8) + "\n-- edited after being applied\n").write(toFile: file, atomically: true, encoding: .utf8)
        await #expect {
            try await migrator.migrate(target: database.target)
        } throws: { error in
            guard case StorageError.migrationChecksumMismatch(let version, _, _, _) = error else { return false }
            return version == 1
        }
    }

    @Test func failingMigrationLeavesTheDatabaseAsItWasAndNamesFileAndStatement() async throws {
        let folder = try copyOfMigrations()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try """
            CREATE TABLE half_done (id INTEGER);
            INSERT INTO half_done VALUES (1);
            SELECT no_such_function_at_all();
            """.write(toFile: folder + "/900_broken.sql", atomically: true, encoding: .utf8)
        let database = try await ScratchDatabase.create(migrated: false)
        defer { Task { try? await database.drop() } }
        let migrator = Migrator(source: MigrationSource(directory: folder))
        let lastGood = try MigrationSource(directory: MigrationSource.sourceTreeDirectory).load().map(\.version).max()
        await #expect {
            try await migrator.migrate(target: database.target)
        } throws: { error in
            guard case StorageError.migrationFailed(let file, let statement, _) = error else { return false }
            return file == "900_broken.sql" && statement.contains("no_such_function_at_all")
        }
        try await database.target.withClient { client in
            let rows = try await client.query("SELECT to_regclass('half_done') IS NULL, (SELECT max(version) FROM schema_migrations)")
            for try await (gone, version) in rows.decode((Bool, Int).self) {
                #expect(gone)
                #expect(version == lastGood)
            }
        }
    }

    @Test func timescaleDBBefore211OrApacheOnlyCannotCarryTheFlavor() {
        let old = TimescaleDBSupport.refusal(version: "2.10.3", license: "timescale")
        #expect(old?.contains("older than 2.11") == true && old?.contains("upgrade") == true)
        let apache = TimescaleDBSupport.refusal(version: "2.28.3", license: "apache")
        #expect(apache?.contains("timescaledb.license = apache") == true && apache?.contains("timescaledb.license = timescale") == true)
        #expect(TimescaleDBSupport.refusal(version: "2.11.0", license: "timescale") == nil)
        #expect(TimescaleDBSupport.refusal(version: "2.28.3", license: "timescale") == nil)
        #expect(TimescaleDBSupport.refusal(version: "3.0.0-dev", license: nil) == nil)
    }

    /// A server whose TimescaleDB runs under the Apache license (a real cluster with
    /// `timescaledb.license = apache`): asked for TimescaleDB, migrate refuses with the reason and
    /// the fix and records nothing; left to choose, it takes the plain flavor and says why.
    @Test(.enabled(if: (try? PostgresInstallation.locate().hasTimescaleDB) == true, "TimescaleDB is not installed"))
    func apacheOnlyTimescaleDBIsRefusedBeforeAnythingIsRecorded() async throws {
        let cluster = try ScratchDatabase.makeTemporaryCluster(settings: ["timescaledb.license": "apache"])
        defer { ScratchDatabase.removeTemporaryCluster(cluster) }
        let target = try await cluster.start()
        let migrator = Migrator()
        let refused = await #expect(throws: StorageError.self) { try await migrator.migrate(target: target, flavor: .required(.timescaledb)) }
        #expect("\(refused.map { "\($0)" } ?? "")".contains("timescaledb.license = apache"))
        #expect(try await target.count("SELECT count(*)::int FROM schema_migrations") == 0)
        #expect(try await target.count("SELECT count(*)::int FROM pg_tables WHERE tablename IN ('strategies', 'trades', 'market_ticks')") == 0)
        let report = try await migrator.migrate(target: target)
        #expect(report.flavor == .postgres)
        #expect(report.flavorReason.contains("timescaledb.license = apache"), "\(report.flavorReason)")
        #expect(try await target.count("SELECT count(DISTINCT flavor)::int FROM schema_migrations WHERE flavor = 'postgres'") == 1)
    }

    /// The seed's GIN indexes on JSONB and partial indexes for the active filters.
    @Test func theSeedsIndexesExist() async throws {
        let database = try await ScratchDatabase.create()
        defer { Task { try? await database.drop() } }
        let indexes = ["idx_strategies_parameters", "idx_strategies_risk_limits", "idx_strategies_running_updated", "idx_strategies_active",
                       "idx_trades_open", "idx_trades_filled_completed", "idx_positions_open", "idx_audit_logs_new_value"]
        let list = indexes.map { "'\($0)'" }.joined(separator: ", ")
        #expect(try await database.target.count("SELECT count(*)::int FROM pg_indexes WHERE indexname IN (\(list))") == indexes.count)
        #expect(try await database.target.count("""
            SELECT count(*)::int FROM pg_indexes WHERE indexname IN ('idx_strategies_parameters', 'idx_strategies_risk_limits')
              AND indexdef LIKE '%USING gin%'
            """) == 2)
    }

    @Test func splitterKeepsDollarQuotedBodiesWhole() {
        let statements = SQLStatementSplitter.split("""
            -- comment; with semicolon
            CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;
            SELECT 'a;b', "x;y" FROM t; /* c; */ SELECT $tag$ ; $tag$
            """)
        #expect(statements.count == 3)
        #expect(statements[0].contains("RETURN 1; END"))
        #expect(statements[2].hasSuffix("$tag$ ; $tag$"))
    }
}
