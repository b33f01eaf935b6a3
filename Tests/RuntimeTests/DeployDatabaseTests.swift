import Foundation
import PostgresNIO
import RuntimeHost
import Storage
import StrategyKit
import TestSupport
import Testing
import TradingCore

/// `runtime deploy` against a real PostgreSQL: validation before any write, the strategies row,
/// version bumps with history in audit_logs, refusals that leave only an audit row, and the host's
/// way back from the database to runnable manifests.
@Suite(.watchdog) struct DeployDatabaseTests {
    /// Issue 6's table (ManifestValidatorTests.badManifests, 30 cases) through the deploy path: each
    /// is refused naming the field, and the database is unchanged but for one refused audit row.
    @Test(arguments: ManifestValidatorTests.badManifests)
    func badManifestChangesNothingButAnAuditRow(_ bad: ManifestValidatorTests.BadManifest) async throws {
        try await ScratchDatabase.with { _, client in
            try await OperatorTestSupport.deploy(ManifestValidatorTests.good, client: client)
            let before = try await OperatorTestSupport.snapshot(client)
            let auditBefore = try await OperatorTestSupport.auditRows(client)

            let failure = await #expect(throws: ManifestValidationFailure.self) {
                try await OperatorTestSupport.deploy(bad.yaml, client: client)
            }
            #expect(failure?.errors.contains { $0.field == bad.field } == true, "\(bad.label): \(failure?.errors ?? [])")

            #expect(try await OperatorTestSupport.snapshot(client) == before, "\(bad.label) changed a table")
            let audit = try await OperatorTestSupport.auditRows(client)
            #expect(audit.count == auditBefore.count + 1)
            let refusal = try #require(audit.last)
            #expect(refusal.action == "strategy.deploy")
            #expect(!refusal.success)
            #expect(refusal.user == "admin")
            #expect(refusal.errorMessage?.contains(bad.field) == true, "\(refusal.errorMessage ?? "-")")
        }
    }

    /// Separation of duties (issue 18 part 3): a trader may not raise a strategy's capital or risk
    /// limits above what an admin deployed (nor drop a limit); lowering is fine, and so is going
    /// back up to the admin's ceiling. Refusals change nothing but a refused audit row.
    @Test func aTraderCannotRaiseCapitalOrLimitsAboveTheAdminsCeiling() async throws {
        try await ScratchDatabase.with { _, client in
            let good = ManifestValidatorTests.good
            try await OperatorTestSupport.deploy(good, client: client)
            try await OperatorTestSupport.addUser("tina", role: .trader, client: client)
            let refused: [(String, String)] = [
                (good.replacingOccurrences(of: "allocated_capital: 10000", with: "allocated_capital: 20000"), "allocated_capital"),
                (good.replacingOccurrences(of: "max_order_quantity: 0.05", with: "max_order_quantity: 0.1"), "risk_limits.max_order_quantity"),
                (good.replacingOccurrences(of: "  max_daily_loss: 500\n", with: ""), "risk_limits.max_daily_loss"),
            ]
            for (yaml, field) in refused {
                let before = try await OperatorTestSupport.snapshot(client)
                let failure = await #expect(throws: ManifestValidationFailure.self) {
                    try await OperatorTestSupport.deploy(yaml, as: "tina", client: client)
                }
                #expect(failure?.errors.map(\.field) == [field], "\(failure?.errors ?? [])")
                #expect(try await OperatorTestSupport.snapshot(client) == before)
                let refusal = try #require(try await OperatorTestSupport.auditRows(client).last)
                #expect(!refusal.success && refusal.user == "tina" && refusal.errorMessage?.contains(field) == true)
            }
            // Lower, then back up to the admin's 10000: both fine.
            try await OperatorTestSupport.deploy(good.replacingOccurrences(of: "allocated_capital: 10000", with: "allocated_capital: 5000"),
                                                 as: "tina", client: client)
            try await OperatorTestSupport.deploy(good.replacingOccurrences(of: "allocated_capital: 10000", with: "allocated_capital: 9000"),
                                                 as: "tina", client: client)
            // The admin raises the ceiling; the trader may then go up to it.
            try await OperatorTestSupport.deploy(good.replacingOccurrences(of: "allocated_capital: 10000", with: "allocated_capital: 30000"),
                                                 client: client)
            try await OperatorTestSupport.deploy(good.replacingOccurrences(of: "allocated_capital: 10000", with: "allocated_capital: 25000"),
                                                 as: "tina", client: client)
            #expect(try await SQLTestQueries.strings(client, "SELECT allocated_capital::numeric(38,2)::text FROM strategies") == ["25000.00"])
        }
    }

    @Test func deploymentWritesTheStrategiesRowAndAnAuditRow() async throws {
        try await ScratchDatabase.with { _, client in
            let plan = try await OperatorTestSupport.deploy(ManifestValidatorTests.good, client: client)
            #expect(plan.action == .create)
            let rows = try await client.query("""
                SELECT name, strategy_type, version, status, symbols, allocated_capital::text, max_position_size::text,
                       max_leverage::text, plugin, parameters->>'fast_period', risk_limits->>'max_daily_loss',
                       (SELECT username FROM users WHERE id = created_by), deployed_at IS NOT NULL, manifest->>'mode'
                FROM strategies
                """).decode((String, String, String, String, [String], String, String?, String, String?, String?, String?, String?, Bool, String?).self)
            var count = 0
            for try await row in rows {
                count += 1
                #expect(row.0 == "sma_test")
                #expect(row.1 == "SMACrossover")
                #expect(row.2 == "1.2.3")
                #expect(row.3 == "paper_trading")
                #expect(row.4 == ["BTC-USDT", "ETH-USDT"])
                #expect(row.5 == "10000.000000000000")
                #expect(row.6 == "0.100000000000")
                #expect(row.7 == "3.000000000000")
                #expect(row.8 == "SMACrossover")
                #expect(row.9 == "5")
                #expect(row.10 == "500")
                #expect(row.11 == "admin")
                #expect(row.12)
                #expect(row.13 == "paper")
            }
            #expect(count == 1)
            let audit = try await OperatorTestSupport.auditRows(client)
            // The default admin's creation on first use, then the deployment.
            #expect(audit.map(\.action) == ["user.bootstrap", "strategy.deploy"])
            let deployment = try #require(audit.last)
            #expect(deployment.success && deployment.user == "admin" && deployment.resourceId == "sma_test")
            #expect(deployment.oldValue == nil)
            #expect(deployment.newValue?.contains("\"version\": \"1.2.3\"") == true)
        }
    }

    @Test func liveModeDeploysAsActive() async throws {
        try await ScratchDatabase.with { _, client in
            try await OperatorTestSupport.deploy(OperatorTestSupport.manifest(named: "sma_live", mode: "live"), client: client)
            #expect(try await OperatorTestSupport.status("sma_live", client) == "active")
        }
    }

    @Test func redeployingAChangedManifestBumpsTheVersionAndKeepsHistory() async throws {
        try await ScratchDatabase.with { _, client in
            try await OperatorTestSupport.deploy(ManifestValidatorTests.good, client: client)
            let unchanged = try await OperatorTestSupport.deploy(ManifestValidatorTests.good, client: client)
            #expect(unchanged.action == .unchanged)

            let changed = ManifestValidatorTests.good.replacingOccurrences(of: "  fast_period: 5", with: "  fast_period: 6")
            let update = try await OperatorTestSupport.deploy(changed, client: client)
            #expect(update.action == .update)
            #expect(update.previousVersion == "1.2.3")
            #expect(update.manifest.version == "1.2.4")

            let again = ManifestValidatorTests.good.replacingOccurrences(of: "  fast_period: 5", with: "  fast_period: 7")
            #expect(try await OperatorTestSupport.deploy(again, client: client).manifest.version == "1.2.5")
            let major = again.replacingOccurrences(of: "version: 1.2.3", with: "version: 2.0.0")
                .replacingOccurrences(of: "  fast_period: 7", with: "  fast_period: 8")
            #expect(try await OperatorTestSupport.deploy(major, client: client).manifest.version == "2.0.0")

            for try await (version, fast, count) in try await client.query(
                "SELECT version, parameters->>'fast_period', (SELECT count(*)::int FROM strategies) FROM strategies"
            ).decode((String, String, Int).self) {
                #expect(version == "2.0.0")
                #expect(fast == "8")
                #expect(count == 1)
            }
            let history = try await OperatorTestSupport.auditRows(client).filter { $0.action == "strategy.deploy" }
            #expect(history.count == 5)
            #expect(history.allSatisfy { $0.success })
            // Each change records the manifest before and after.
            #expect(history[2].oldValue?.contains("\"version\": \"1.2.3\"") == true)
            #expect(history[2].newValue?.contains("\"version\": \"1.2.4\"") == true)
            #expect(history[2].oldValue?.contains("\"fast_period\": 5") == true)
            #expect(history[2].newValue?.contains("\"fast_period\": 6") == true)
            #expect(history[4].newValue?.contains("\"version\": \"2.0.0\"") == true)
        }
    }

    @Test func anotherStrategyUnderADeployedNameIsRefusedWithNothingWritten() async throws {
        try await ScratchDatabase.with { _, client in
            try await OperatorTestSupport.deploy(ManifestValidatorTests.good, client: client)
            let before = try await OperatorTestSupport.snapshot(client)
            let path = PluginTestSupport.packageRoot.appendingPathComponent("strategies/market_maker.yaml").path
            let other = try String(contentsOfFile: path, encoding: .utf8)
                .replacingOccurrences(of: "name: market_maker", with: "name: sma_test")
            let failure = await #expect(throws: ManifestValidationFailure.self) {
                try await OperatorTestSupport.deploy(other, client: client)
            }
            #expect(failure?.errors.first?.field == "name")
            #expect(try await OperatorTestSupport.snapshot(client) == before)
        }
    }

    @Test func viewerCannotDeployAndTheRefusalIsAudited() async throws {
        try await ScratchDatabase.with { _, client in
            try await OperatorTestSupport.addUser("vera", role: .viewer, client: client)
            let before = try await OperatorTestSupport.snapshot(client)
            let error = await #expect(throws: OperatorError.self) {
                try await OperatorTestSupport.deploy(ManifestValidatorTests.good, as: "vera", client: client)
            }
            #expect(error == .roleRefused(user: "vera", role: .viewer, permission: .deploy, allowed: [.admin, .trader]))
            #expect(error?.description.contains("trader") == true)
            #expect(try await OperatorTestSupport.snapshot(client) == before)
            let refusal = try #require(try await OperatorTestSupport.auditRows(client).last)
            #expect(refusal.action == "strategy.deploy" && !refusal.success && refusal.user == "vera")
            #expect(refusal.errorMessage?.contains("viewer") == true)
        }
    }

    @Test func theHostRebuildsEveryDeployedStrategyFromTheDatabase() async throws {
        try await ScratchDatabase.with { _, client in
            for file in ["sma_crossover.yaml", "mean_reversion.yaml", "market_maker.yaml"] {
                let path = PluginTestSupport.packageRoot.appendingPathComponent("strategies/\(file)").path
                try await OperatorTestSupport.deploy(try String(contentsOfFile: path, encoding: .utf8), client: client)
            }
            try await OperatorTestSupport.deploy(OperatorTestSupport.manifest(named: "sma_live", mode: "live"), client: client)
            let loader = PluginLoader(searchPaths: [PluginTestSupport.binDirectory])
            let deployed = try await DeployedStrategies.load(session: client, loader: loader, catalog: PluginTestSupport.catalog)
            #expect(deployed.map(\.name.rawValue) == ["market_maker", "mean_reversion", "sma_crossover", "sma_live"])
            for strategy in deployed {
                let path = PluginTestSupport.packageRoot.appendingPathComponent("strategies/\(strategy.name).yaml").path
                if FileManager.default.fileExists(atPath: path) {
                    // Exactly the manifest that was deployed: same plugin, parameters, limits, channels, mode.
                    let original = try ManifestParser.parse(try String(contentsOfFile: path, encoding: .utf8))
                    #expect(strategy.validated.manifest == original)
                    #expect(strategy.status == .paperTrading)
                } else {
                    #expect(strategy.status == .active)
                    #expect(strategy.validated.manifest.mode == .live)
                }
                #expect(strategy.tradingState == .active)
                #expect(!strategy.validated.pluginPath.isEmpty)
            }
        }
    }
}
