import Foundation
import PostgresNIO
import RuntimeHost
import Storage
import TestSupport
import Testing

/// Operators are who the system says they are (issue 18 parts 1 and 2): against a shared server
/// each logs in as their own PostgreSQL role, mapped to users.username; `--user`/`RUNTIME_USER`
/// only lets an admin act as someone narrower; every command, run, replay, migrate and db
/// included, checks its permission in one place; refusals exit 1, are audited and change nothing.
@Suite(.watchdog) struct OperatorIdentityTests {
    /// A login role on the scratch cluster with no rights of its own (`users add` grants it its
    /// group role), named uniquely: roles are cluster-wide.
    static func loginRole(_ prefix: String, client: PostgresClient) async throws -> String {
        let name = "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
        try await client.query(PostgresQuery(unsafeSQL: "CREATE ROLE \(name) LOGIN"))
        return name
    }

    static func url(_ database: ScratchDatabase, as role: String) -> String {
        database.target.url().replacingOccurrences(of: "user=\(OperatorTestSupport.scratchLoginRole)", with: "user=\(role)")
    }

    /// A deployed strategy, the command-line admin (`runtime`), and one operator per role given.
    static func setUp(_ client: PostgresClient, roles: [(String, UserRole)]) async throws -> [String: String] {
        try await OperatorTestSupport.deploy(ManifestValidatorTests.good, client: client)
        try await OperatorTestSupport.addCommandLineOperator(client: client)
        var logins: [String: String] = [:]
        for (prefix, role) in roles {
            let login = try await loginRole(prefix, client: client)
            try await OperatorTestSupport.addUser(login, role: role, client: client)
            logins[prefix] = login
        }
        return logins
    }

    static func run(_ arguments: [String], _ database: ScratchDatabase, as role: String, extra: [String: String] = [:]) async throws
        -> (status: Int32, output: String, standardOutput: String) {
        try await HostEndToEndTests.run(arguments, environment: ["DATABASE_URL": url(database, as: role)].merging(extra) { $1 })
    }

    @Test func aViewerReadsButCannotHaltAll() async throws {
        try await ScratchDatabase.with { database, client in
            let logins = try await Self.setUp(client, roles: [("viewer", .viewer)])
            let viewer = try #require(logins["viewer"])
            #expect(try await Self.run(["strategies"], database, as: viewer).status == 0)
            #expect(try await Self.run(["trades"], database, as: viewer).status == 0)

            let before = try await OperatorTestSupport.snapshot(client)
            let halt = try await Self.run(["halt", "--all"], database, as: viewer)
            #expect(halt.status == 1)
            #expect(halt.output.contains("may not halt all strategies"), "\(halt.output)")
            #expect(try await OperatorTestSupport.snapshot(client) == before)
            let refusal = try #require(try await OperatorTestSupport.auditRows(client).last)
            #expect(!refusal.success && refusal.user == viewer && refusal.action == "strategy.halt")
        }
    }

    @Test func aLoginWithoutAUserIsRefusedAndToldWhatToDo() async throws {
        try await ScratchDatabase.with { database, client in
            _ = try await Self.setUp(client, roles: [])
            let stranger = try await Self.loginRole("stranger", client: client)
            let status = try await Self.run(["trades"], database, as: stranger)
            #expect(status.status == 1)
            #expect(status.output.contains("runtime users add \(stranger)"), "\(status.output)")
        }
    }

    @Test func onlyAnAdminMayActAsAnotherUserAndThenWithTheirRole() async throws {
        try await ScratchDatabase.with { database, client in
            let logins = try await Self.setUp(client, roles: [("viewer", .viewer)])
            let viewer = try #require(logins["viewer"])
            // The viewer cannot become the admin.
            let up = try await Self.run(["pause", "sma_test"], database, as: viewer, extra: ["RUNTIME_USER": OperatorTestSupport.scratchLoginRole])
            #expect(up.status == 1 && up.output.contains("may not act as another user"), "\(up.output)")
            // The admin acting as the viewer has the viewer's rights, and the audit trail has both.
            let before = try await OperatorTestSupport.snapshot(client)
            let down = try await Self.run(["halt", "--all", "--user", viewer], database, as: OperatorTestSupport.scratchLoginRole)
            #expect(down.status == 1 && down.output.contains("may not halt all strategies"), "\(down.output)")
            #expect(try await OperatorTestSupport.snapshot(client) == before)
            let audit = try await OperatorTestSupport.auditRows(client).suffix(2)
            #expect(audit.map(\.action) == ["user.act_as", "strategy.halt"])
            #expect(audit.first?.user == OperatorTestSupport.scratchLoginRole && audit.first?.resourceId == viewer)
            #expect(audit.last?.user == viewer && audit.last?.success == false)
        }
    }

    /// run, replay, migrate and db maintain check the role like every other command.
    @Test func runReplayMigrateAndMaintainCheckTheRole() async throws {
        try await ScratchDatabase.with { database, client in
            let logins = try await Self.setUp(client, roles: [("trader", .trader), ("viewer", .viewer)])
            let trader = try #require(logins["trader"]), viewer = try #require(logins["viewer"])
            let recording = PluginTestSupport.packageRoot.appendingPathComponent("Tests/Fixtures/okx/ws/trades.jsonl").path
            let cases: [([String], String, String)] = [
                (["run", "--synthetic", "--duration", "1s"], trader, "may not run the host"),
                (["migrate"], trader, "may not migrate or maintain the database"),
                (["db", "maintain"], trader, "may not migrate or maintain the database"),
                (["replay", recording, "--no-persist"], viewer, "may not run replays"),
                (["deploy", "strategies/sma_crossover.yaml"], viewer, "may not deploy strategies"),
                (["users", "add", "mallory", "--role", "admin"], trader, "may not manage users"),
            ]
            for (arguments, login, refusal) in cases {
                let before = try await OperatorTestSupport.snapshot(client)
                let run = try await Self.run(arguments, database, as: login)
                #expect(run.status == 1, "\(arguments): exit \(run.status)\n\(run.output)")
                #expect(run.output.contains(refusal), "\(arguments): \(run.output)")
                #expect(try await OperatorTestSupport.snapshot(client) == before, "\(arguments) changed a table")
            }
            // A trader may replay (a simulation), persisted too: the database lets a trader write
            // replay rows (and market data), nothing else; the TimescaleDB rollups of the replayed
            // range wait for the owner's maintenance.
            let replay = try await Self.run(["replay", recording, "--no-persist"], database, as: trader)
            #expect(replay.status == 0, "\(replay.output)")
            let persisted = try await Self.run(["replay", recording], database, as: trader)
            #expect(persisted.status == 0, "\(persisted.output)")
            let timescale = try await SQLTestQueries.strings(client, "SELECT flavor FROM schema_migrations LIMIT 1") == ["timescaledb"]
            #expect(persisted.output.contains("queued for the schema owner's next `runtime db maintain`") == timescale, "\(persisted.output)")
            #expect(try await SQLTestQueries.count(client, "SELECT count(*) FROM trades WHERE mode <> 'replay'") == 0)
        }
    }

    /// The first `runtime migrate` of a database makes its operator the first admin; nobody is
    /// called admin by default.
    @Test func theFirstMigrateMakesItsOperatorTheFirstAdmin() async throws {
        try await ScratchDatabase.with(migrated: false) { database, client in
            let migrate = try await HostEndToEndTests.run(["migrate"], environment: ["DATABASE_URL": database.target.url()])
            #expect(migrate.status == 0, "\(migrate.output)")
            let users = try await SQLTestQueries.strings(client, "SELECT username || ' ' || role FROM users")
            #expect(users == ["\(OperatorTestSupport.scratchLoginRole) admin"])
            let audit = try await OperatorTestSupport.auditRows(client).map(\.action)
            #expect(audit == ["user.bootstrap", "database.migrate"])
        }
    }

    /// A pending migration is applied only by an admin: a viewer's command is refused, with the
    /// fix, and the schema stays as it was.
    @Test func aViewerDoesNotMigrateAPendingSchema() async throws {
        try await ScratchDatabase.with { database, client in
            let logins = try await Self.setUp(client, roles: [("viewer", .viewer)])
            let viewer = try #require(logins["viewer"])
            let folder = try PluginTestSupport.scratchDirectory("pending-migration")
            for file in try FileManager.default.contentsOfDirectory(atPath: MigrationSource.sourceTreeDirectory) {
                try FileManager.default.copyItem(atPath: MigrationSource.sourceTreeDirectory + "/" + file, toPath: folder + "/" + file)
            }
            try "CREATE TABLE pending_change (x int);".write(toFile: folder + "/999_pending_change.sql", atomically: true, encoding: .utf8)
            let run = try await Self.run(["trades"], database, as: viewer, extra: ["RUNTIME_MIGRATIONS": folder])
            #expect(run.status == 1 && run.output.contains("ask an admin to run `runtime migrate`"), "\(run.output)")
            #expect(try await SQLTestQueries.strings(client, "SELECT coalesce(to_regclass('pending_change')::text, 'absent')") == ["absent"])
            let admin = try await Self.run(["trades"], database, as: OperatorTestSupport.scratchLoginRole, extra: ["RUNTIME_MIGRATIONS": folder])
            #expect(admin.status == 0, "\(admin.output)")
            #expect(try await SQLTestQueries.strings(client, "SELECT coalesce(to_regclass('pending_change')::text, 'absent')") == ["pending_change"])
        }
    }
}
