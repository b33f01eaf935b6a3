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
