import Foundation
import Logging
import PostgresNIO
import RuntimeHost
import Storage
import TestSupport
import Testing
import TradingCore

/// The database enforces the roles, not only the CLI (issue 18 part 2): each operator logs in as
/// their own PostgreSQL role, a member of the group role of their users.role only (granted by
/// `runtime users add`), and then psql can do no more than the runtime would let them.
@Suite(.watchdog) struct DatabaseRolesTests {
    /// A login role with no rights of its own, named uniquely (roles are cluster-wide), added as a
    /// user with `role` by the in-process admin.
    static func operatorLogin(_ prefix: String, _ role: UserRole, client: PostgresClient) async throws -> String {
        let name = "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
        try await client.query(PostgresQuery(unsafeSQL: "CREATE ROLE \(name) LOGIN"))
        try await OperatorTestSupport.addUser(name, role: role, client: client)
        return name
    }

    /// Runs `body` connected as `login`.
    static func connected(_ database: ScratchDatabase, as login: String,
                          _ body: @Sendable (PostgresClient) async throws -> Void) async throws {
        var target = database.target
        target.username = login
        try await target.withClient(body)
    }

    /// The SQLSTATE and message of running `sql`, or nil when the server allowed it.
    static func refusal(_ client: PostgresClient, _ sql: String) async -> (state: String?, message: String)? {
        do {
            // A function's error arrives with its rows: read them all.
            for try await _ in try await client.query(PostgresQuery(unsafeSQL: sql)) {}
            return nil
        } catch {
            return (postgresSQLState(error), postgresErrorText(error))
        }
    }

    /// A deployed paper strategy, the admin, and one login per role.
    static func setUp(_ client: PostgresClient) async throws -> (viewer: String, trader: String, riskOfficer: String, admin: String) {
        try await OperatorTestSupport.deploy(ManifestValidatorTests.good, client: client)
        return (try await operatorLogin("viewer", .viewer, client: client), try await operatorLogin("trader", .trader, client: client),
                try await operatorLogin("risk", .riskOfficer, client: client), try await operatorLogin("admin", .admin, client: client))
    }

    static let paperTrade = """
        INSERT INTO trades (client_order_id, strategy_id, symbol, side, order_type, quantity, mode)
        SELECT 'forged-' || gen_random_uuid(), id, 'BTC-USDT', 'buy', 'market', 1, 'paper' FROM strategies
        """

    /// A trading writer logged in as a trader writes its replay rows and refuses, once each, the
    /// rows the trader may not write (an audit row, a paper trade): retried, they would be refused
    /// forever and the writer would never flush (a persisted replay or sweep hung on this).
    @Test func aWriterRefusesWhatItsLoginMayNotWrite() async throws {
        try await ScratchDatabase.with { database, client in
            let logins = try await Self.setUp(client)
            var target = database.target
            target.username = logins.trader
            let writer = TradingRecordWriter(target: target, logger: Logger(label: "test.roles"))
            let running = Task { await writer.run() }
            try await writer.submit(.riskEvent(RiskEventRecord(eventType: "replay_check", severity: .info, description: "allowed",
                                                               createdAt: Timestamp(millisecondsSinceEpoch: 1_780_000_000_000), mode: .replay)))
            try await writer.submit(.audit(AuditLogRecord(userId: nil, action: "strategy.halt", resourceType: "strategy",
                                                          createdAt: Timestamp(millisecondsSinceEpoch: 1_780_000_000_000))))
            try await writer.submit(.riskEvent(RiskEventRecord(eventType: "paper_check", severity: .info, description: "refused",
                                                               createdAt: Timestamp(millisecondsSinceEpoch: 1_780_000_000_000), mode: .paper)))
            let flushed = Task { await writer.flush() }
            try await Wait.until("the writer to flush", within: .minutes(2)) { writer.statistics.refused == 2 }
            await flushed.value
            writer.finish()
            await running.value
            #expect(writer.refused.allSatisfy { $0.reason.contains("permission") || $0.reason.contains("writes replay rows only") },
                    "\(writer.refused.map(\.reason))")
            #expect(try await SQLTestQueries.strings(client, "SELECT event_type FROM risk_events WHERE event_type LIKE '%_check'") == ["replay_check"])
        }
    }

    @Test func usersAddGrantsTheLoginRoleItsGroupOnly() async throws {
        try await ScratchDatabase.with { _, client in
            let logins = try await Self.setUp(client)
            for (login, group) in [(logins.viewer, "runtime_viewer"), (logins.trader, "runtime_trader"),
                                   (logins.riskOfficer, "runtime_risk_officer"), (logins.admin, "runtime_admin")] {
                let groups = try await SQLTestQueries.strings(client, """
                    SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
                    WHERE u.rolname = '\(login)' ORDER BY 1
                    """)
                #expect(groups == [group], "\(login)")
            }
        }
    }

    /// Every permission the runtime names is granted to some role by the database's
    /// operator_grants, and the table names no permission the runtime does not know.
    @Test func operatorGrantsCoverEveryPermission() async throws {
        try await ScratchDatabase.with { _, client in
            let granted = Set(try await SQLTestQueries.strings(client, "SELECT DISTINCT permission FROM operator_grants"))
            #expect(granted == Set(OperatorPermission.allCases.map(\.rawValue)))
        }
    }

    @Test(arguments: SchemaFlavor.allCases) func aViewerCanOnlyRead(flavor: SchemaFlavor) async throws {
        guard try await ScratchDatabase.flavors().contains(flavor) else { return }
        try await ScratchDatabase.with(flavor: flavor) { database, client in
            let logins = try await Self.setUp(client)
            let before = try await OperatorTestSupport.snapshot(client)
            try await Self.connected(database, as: logins.viewer) { viewer in
                let strategies = try await SQLTestQueries.count(viewer, "SELECT count(*) FROM strategies")
                let candles = try await SQLTestQueries.count(viewer, "SELECT count(*) FROM market_ohlcv_1h")
                #expect(strategies == 1 && candles == 0)
                for statement in ["UPDATE strategies SET status = 'active'", "UPDATE users SET role = 'admin'",
                                  "DELETE FROM strategies", Self.paperTrade,
                                  "INSERT INTO users (username, email, role) VALUES ('mallory', 'm@x', 'admin')",
                                  "UPDATE audit_logs SET action = 'nothing'", "DELETE FROM audit_logs", "TRUNCATE audit_logs",
                                  "INSERT INTO audit_logs (action, resource_type) VALUES ('strategy.deploy', 'strategy')"] {
                    let refused = await Self.refusal(viewer, statement)
                    #expect(refused?.state == "42501", "\(statement): \(refused?.message ?? "allowed")")
                }
                // Not through the operator functions either.
                let pause = await Self.refusal(viewer, """
                    SELECT runtime_control_strategy(NULL, NULL, 'pause', 'sma_test', 'paper_trading', 'paused', NULL, '{}', '{}')
                    """)
                #expect(pause?.state == "42501", "\(pause?.message ?? "allowed")")
            }
            #expect(try await OperatorTestSupport.snapshot(client) == before)
        }
    }

    /// A trader changes strategies only through the operator functions, which check the role,
    /// the command and separation of duties, and write the audit row in the same transaction.
    @Test(arguments: SchemaFlavor.allCases) func aTraderChangesStrategiesOnlyThroughTheFunctions(flavor: SchemaFlavor) async throws {
        guard try await ScratchDatabase.flavors().contains(flavor) else { return }
        try await ScratchDatabase.with(flavor: flavor) { database, client in
            let logins = try await Self.setUp(client)
            let before = try await OperatorTestSupport.snapshot(client)
            try await Self.connected(database, as: logins.trader) { trader in
                for statement in ["UPDATE strategies SET status = 'active'", "UPDATE strategies SET allocated_capital = 1000000",
                                  "UPDATE users SET role = 'admin'", Self.paperTrade,
                                  "UPDATE audit_logs SET action = 'nothing'", "DELETE FROM audit_logs", "TRUNCATE audit_logs",
                                  // Speaking for someone else, or resuming a paper strategy into live trading.
                                  "SELECT * FROM runtime_authorize('admin', NULL, 'halt_all', 'strategy.halt')",
                                  "SELECT runtime_control_strategy(NULL, NULL, 'pause', 'sma_test', 'paper_trading', 'active', NULL, '{}', '{}')"] {
                    let refused = await Self.refusal(trader, statement)
                    #expect(refused?.state == "42501", "\(statement): \(refused?.message ?? "allowed")")
                }
            }
            #expect(try await OperatorTestSupport.snapshot(client) == before)
            try await Self.connected(database, as: logins.trader) { trader in
                for try await _ in try await trader.query("""
                    SELECT runtime_control_strategy(NULL, NULL, 'pause', 'sma_test', 'paper_trading', 'paused', NULL, '{}', '{}')
                    """) {}
            }
            #expect(try await SQLTestQueries.strings(client, "SELECT status FROM strategies") == ["paused"])
            let audit = try #require(try await OperatorTestSupport.auditRows(client).last)
            #expect(audit.action == "strategy.pause" && audit.success && audit.user == logins.trader)
        }
    }

    /// The same path from the command line: a trader's `runtime pause` and `runtime deploy` work
    /// with nothing but runtime_trader, a viewer's are refused and audited.
    @Test func theCommandLineWorksWithTheGroupRolesAlone() async throws {
        try await ScratchDatabase.with { database, client in
            let logins = try await Self.setUp(client)
            let paused = try await OperatorIdentityTests.run(["pause", "sma_test"], database, as: logins.trader)
            #expect(paused.status == 0, "\(paused.output)")
            let acked = try await OperatorIdentityTests.run(["resume", "sma_test"], database, as: logins.riskOfficer)
            #expect(acked.status == 1 && acked.output.contains("may not pause, resume or stop"), "\(acked.output)")
            let halted = try await OperatorIdentityTests.run(["halt", "--all"], database, as: logins.riskOfficer)
            #expect(halted.status == 0, "\(halted.output)")
            let manifest = FileManager.default.temporaryDirectory.appendingPathComponent("roles-\(UUID().uuidString).yaml")
            try ManifestValidatorTests.good.replacingOccurrences(of: "allocated_capital: 10000", with: "allocated_capital: 8000")
                .write(to: manifest, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: manifest) }
            let deployed = try await OperatorIdentityTests.run(["deploy", manifest.path], database, as: logins.trader,
                                                               extra: ["RUNTIME_PLUGIN_PATH": PluginTestSupport.binDirectory])
            #expect(deployed.status == 0, "\(deployed.output)")
            let viewer = try await OperatorIdentityTests.run(["deploy", manifest.path], database, as: logins.viewer,
                                                             extra: ["RUNTIME_PLUGIN_PATH": PluginTestSupport.binDirectory])
            #expect(viewer.status == 1 && viewer.output.contains("may not deploy"), "\(viewer.output)")
            #expect(try await SQLTestQueries.strings(client, "SELECT status || ' ' || allocated_capital::numeric(38,0) FROM strategies")
                    == ["halted 8000"])
            let refusals = try await OperatorTestSupport.auditRows(client).filter { !$0.success }
            #expect(refusals.map(\.user) == [logins.riskOfficer, logins.viewer])
        }
    }

    /// An admin who is not the schema owner runs the host and maintains the database with
    /// runtime_admin's rights alone (the host's writes are runtime_host's, which runtime_admin holds).
    @Test(arguments: SchemaFlavor.allCases) func anAdminLoginRunsTheHostWithTheGroupRolesAlone(flavor: SchemaFlavor) async throws {
        guard try await ScratchDatabase.flavors().contains(flavor) else { return }
        try await ScratchDatabase.with(flavor: flavor) { database, client in
            let logins = try await Self.setUp(client)
            let run = try await OperatorIdentityTests.run(["run", "--synthetic", "--duration", "2s"], database, as: logins.admin,
                                                          extra: ["RUNTIME_PLUGIN_PATH": PluginTestSupport.binDirectory])
            #expect(run.status == 0, "\(run.output)")
            #expect(!run.output.contains("permission denied") && !run.output.contains("must be owner"), "\(run.output)")
            #expect(try await SQLTestQueries.count(client, "SELECT count(*) FROM hosts") == 1)
            // Maintenance too; on TimescaleDB the owner's jobs are left to its scheduler.
            let maintain = try await OperatorIdentityTests.run(["db", "maintain"], database, as: logins.admin)
            #expect(maintain.status == 0, "\(maintain.output)")
            let timescale = try await SQLTestQueries.strings(client, "SELECT flavor FROM schema_migrations LIMIT 1") == ["timescaledb"]
            #expect(maintain.standardOutput.contains("left to the scheduler") == timescale, "\(maintain.output)")
        }
    }

    /// UPDATE and DELETE on audit_logs as each role (issue 18's named case): refused for every
    /// one, the admin and the schema owner included.
    @Test(arguments: SchemaFlavor.allCases) func auditLogsAreAppendOnlyForEveryRole(flavor: SchemaFlavor) async throws {
        guard try await ScratchDatabase.flavors().contains(flavor) else { return }
        try await ScratchDatabase.with(flavor: flavor) { database, client in
            let logins = try await Self.setUp(client)
            let rows = try await OperatorTestSupport.auditRows(client)
            for login in [logins.viewer, logins.trader, logins.riskOfficer, logins.admin, OperatorTestSupport.scratchLoginRole] {
                try await Self.connected(database, as: login) { session in
                    for statement in ["UPDATE audit_logs SET success = false, error_message = 'x'", "DELETE FROM audit_logs",
                                      "TRUNCATE audit_logs"] {
                        let refused = await Self.refusal(session, statement)
                        #expect(refused?.state == "42501", "\(login): \(statement): \(refused?.message ?? "allowed")")
                    }
                }
            }
            #expect(try await OperatorTestSupport.auditRows(client) == rows)
        }
    }

    /// A trader's persisted replay writes replay rows; a live or paper row needs a host.
    @Test(arguments: SchemaFlavor.allCases) func aTraderWritesReplayRowsOnly(flavor: SchemaFlavor) async throws {
        guard try await ScratchDatabase.flavors().contains(flavor) else { return }
        try await ScratchDatabase.with(flavor: flavor) { database, client in
            let logins = try await Self.setUp(client)
            try await Self.connected(database, as: logins.trader) { trader in
                try await trader.query(PostgresQuery(unsafeSQL: Self.paperTrade.replacingOccurrences(of: "'paper'", with: "'replay'")))
                let refused = await Self.refusal(trader, "UPDATE trades SET mode = 'paper'")
                #expect(refused?.state == "42501" && refused?.message.contains("replay rows only") == true, "\(refused?.message ?? "allowed")")
                try await trader.query("DELETE FROM trades WHERE mode = 'replay'")
                // Market data, as a persisted replay writes it: a partitioned table or a hypertable.
                try await trader.query("""
                    INSERT INTO market_ticks (symbol, timestamp, trade_id, price, quantity, side) VALUES ('BTC-USDT', now(), 'r-1', 100, 1, 'buy')
                    """)
            }
            try await Self.connected(database, as: logins.admin) { admin in
                try await admin.query(PostgresQuery(unsafeSQL: Self.paperTrade))
            }
            #expect(try await SQLTestQueries.strings(client, "SELECT mode FROM trades") == ["paper"])
            #expect(try await SQLTestQueries.strings(client, "SELECT trade_id FROM market_ticks") == ["r-1"])
        }
    }

    /// TimescaleDB refreshes a continuous aggregate only for its owner: a trader's late market
    /// data (a persisted replay of last month) is rolled up by the owner's next maintenance pass.
    @Test func lateRollupsOfANonOwnerWaitForTheOwnersMaintenance() async throws {
        guard try await ScratchDatabase.flavors().contains(.timescaledb) else { return }
        try await ScratchDatabase.with(flavor: .timescaledb) { database, client in
            let logins = try await Self.setUp(client)
            let lastMonth = "now() - INTERVAL '30 days'"
            // Materialized up to today: real-time aggregation shows nothing older that is not.
            try await client.query("""
                INSERT INTO market_ticks (symbol, timestamp, trade_id, price, quantity, side) VALUES ('BTC-USDT', now(), 'now-1', 100, 1, 'buy')
                """)
            let now = Timestamp(nanosecondsSinceEpoch: Int64(Date().timeIntervalSince1970) * 1_000_000_000)
            #expect(try await StorageMaintenance(client).refreshAggregates(from: now, to: now))
            try await Self.connected(database, as: logins.trader) { trader in
                try await trader.query(PostgresQuery(unsafeSQL: """
                    INSERT INTO market_ticks (symbol, timestamp, trade_id, price, quantity, side)
                    VALUES ('BTC-USDT', \(lastMonth), 'late-1', 100, 1, 'buy')
                    """))
                let at = Timestamp(nanosecondsSinceEpoch: Int64(Date().addingTimeInterval(-30 * 86_400).timeIntervalSince1970) * 1_000_000_000)
                let refreshed = try await StorageMaintenance(trader).refreshAggregates(from: at, to: at)
                #expect(!refreshed)
            }
            #expect(try await SQLTestQueries.count(client, "SELECT count(*) FROM market_ohlcv_1h WHERE timestamp < now() - INTERVAL '29 days'") == 0)
            let report = try await StorageMaintenance(client).maintain()
            #expect(report.queuedRefreshes == 1)
            #expect(try await SQLTestQueries.count(client, "SELECT count(*) FROM market_ohlcv_1h WHERE timestamp < now() - INTERVAL '29 days'") == 1)
            #expect(try await SQLTestQueries.count(client, "SELECT count(*) FROM rollup_refresh_requests") == 0)
        }
    }
}
