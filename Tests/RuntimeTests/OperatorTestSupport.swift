import Foundation
import PostgresNIO
import RuntimeHost
import Storage
import StrategyKit
import Testing
import TradingCore

/// Shared helpers of the operator and deploy tests: a deployer over the built plugins, users, and
/// a snapshot of every table to prove "nothing but an audit row changed".
enum OperatorTestSupport {
    static func deployer() -> StrategyDeployer {
        StrategyDeployer(plugins: PluginLoader(searchPaths: [PluginTestSupport.binDirectory]), instrument: { PluginTestSupport.catalog[$0] })
    }

    /// Deploys manifest text as `user` through the same path as `runtime deploy`.
    @discardableResult
    static func deploy(_ yaml: String, as user: String = "admin", client: PostgresClient) async throws -> DeploymentPlan {
        let acting = try await OperatorAccess(client: client).authorize(identity: user, for: .deploy, action: DatabaseDeploymentStore.auditAction,
                                                                        resourceType: "strategy", resourceId: "test")
        return try await deployer().deploy(yaml: yaml, source: "test.yaml", store: DatabaseDeploymentStore(client: client), actingUser: acting)
    }

    /// The PostgreSQL role a scratch database's URL logs in as: the operator of a `runtime`
    /// command run against it with DATABASE_URL (see `OperatorLogin`).
    static let scratchLoginRole = "runtime"

    /// Makes the operator of CLI commands run against a scratch database an admin, for tests that
    /// set the database up in-process (as `admin`) and then run the `runtime` executable.
    static func addCommandLineOperator(client: PostgresClient) async throws {
        try await addUser(scratchLoginRole, role: .admin, client: client)
    }

    /// Adds a user with `role` as `admin` (who becomes the first admin of an empty table).
    static func addUser(_ name: String, role: UserRole, client: PostgresClient) async throws {
        try await addUser(name, role: role, as: "admin", client: client)
    }

    /// Adds a user with `role` as the operator `actor`, authorized as `runtime users add` does.
    static func addUser(_ name: String, role: UserRole, as actor: String, client: PostgresClient) async throws {
        let admin = try await OperatorAccess(client: client).authorize(identity: actor, for: .manageUsers, action: UserAdministration.addAction,
                                                                       resourceType: "user", resourceId: name)
        try await UserAdministration(client: client).add(username: name, role: role, email: nil, by: admin)
    }

    /// Every row of every table but audit_logs, as JSON text, by table.
    static func snapshot(_ client: PostgresClient) async throws -> [String: [String]] {
        var tables: [String] = []
        for try await name in try await client.query("""
            SELECT table_name::text FROM information_schema.tables
            WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'audit_logs' ORDER BY 1
            """).decode(String.self) { tables.append(name) }
        var snapshot: [String: [String]] = [:]
        for table in tables {
            var rows: [String] = []
            for try await row in try await client.query(PostgresQuery(unsafeSQL: "SELECT row_to_json(t)::text FROM \(table) t")).decode(String.self) {
                rows.append(row)
            }
            snapshot[table] = rows.sorted()
        }
        return snapshot
    }

    /// audit_logs rows as (action, resource_id, success, error_message, old_value, new_value), oldest first.
    static func auditRows(_ client: PostgresClient) async throws -> [AuditRow] {
        var rows: [AuditRow] = []
        for try await (action, resource, success, error, old, new, user) in try await client.query("""
            SELECT a.action, a.resource_id, a.success, a.error_message, a.old_value::text, a.new_value::text, u.username
            FROM audit_logs a LEFT JOIN users u ON u.id = a.user_id ORDER BY a.id
            """).decode((String, String?, Bool, String?, String?, String?, String?).self) {
            rows.append(AuditRow(action: action, resourceId: resource, success: success, errorMessage: error, oldValue: old, newValue: new, user: user))
        }
        return rows
    }

    struct AuditRow: Sendable, Equatable {
        var action: String
        var resourceId: String?
        var success: Bool
        var errorMessage: String?
        var oldValue: String?
        var newValue: String?
        var user: String?
    }

    /// A strategy's status.
    static func status(_ name: String, _ client: PostgresClient) async throws -> String? {
        for try await status in try await client.query("SELECT status FROM strategies WHERE name = \(name)").decode(String.self) { return status }
        return nil
    }

    /// The shipped SMA manifest's text under another name (and optionally another mode).
    static func manifest(named name: String = "sma_test", mode: String = "paper") -> String {
        ManifestValidatorTests.good.replacingOccurrences(of: "name: sma_test", with: "name: \(name)")
            .replacingOccurrences(of: "mode: paper", with: "mode: \(mode)")
    }
}
