import Foundation
import PostgresNIO
import TradingCore

/// A deployed strategy as the operators' commands and the host read it: the seed's columns plus
/// the plugin and the whole deployed manifest (migration 005).
public struct StrategyDeploymentRecord: Sendable, Hashable {
    public var id: UUID
    public var name: StrategyName
    /// The plugin library (`lib<plugin>.so`); nil for rows not written by `runtime deploy`.
    public var plugin: String?
    public var strategyType: String
    public var version: String
    public var status: StrategyStatus
    /// The deployed manifest as JSON object text; nil for rows not written by `runtime deploy`.
    public var manifest: String?
    public var symbols: [String]
    /// The capital the strategy was deployed with, exactly as stored.
    public var allocatedCapital: Money
    /// The username of `created_by`, when it still exists.
    public var createdBy: String?
    public var deployedAt: Timestamp?
    public var updatedAt: Timestamp

    public init(id: UUID, name: StrategyName, plugin: String?, strategyType: String, version: String, status: StrategyStatus,
                manifest: String?, symbols: [String], allocatedCapital: Money, createdBy: String?, deployedAt: Timestamp?,
                updatedAt: Timestamp) {
        self.id = id; self.name = name; self.plugin = plugin; self.strategyType = strategyType; self.version = version
        self.status = status; self.manifest = manifest; self.symbols = symbols; self.allocatedCapital = allocatedCapital
        self.createdBy = createdBy; self.deployedAt = deployedAt; self.updatedAt = updatedAt
    }
}

extension StrategyRepository {
    /// The deployed strategy named `name` (changes go through the database's operator functions,
    /// which lock the row themselves).
    public func deployment(named name: StrategyName) async throws(StorageError) -> StrategyDeploymentRecord? {
        try await deployments(where: "WHERE s.name = $1", bindings: [name.rawValue]).first
    }

    /// Every strategy row, by name.
    public func deployments() async throws(StorageError) -> [StrategyDeploymentRecord] {
        try await deployments(where: "", bindings: [])
    }

    /// Strategy names by id (for listing rows that reference strategies).
    public func namesById() async throws(StorageError) -> [UUID: StrategyName] {
        let rows = try await session.rows("read strategy names", "SELECT id, name FROM strategies")
        var names: [UUID: StrategyName] = [:]
        for row in rows {
            names[try row.value("id", as: UUID.self, table: "strategies")] = StrategyName(try row.value("name", as: String.self, table: "strategies"))
        }
        return names
    }

    /// Sets a strategy's status by id (inside the caller's transaction).
    public func setStatus(_ status: StrategyStatus, id: UUID) async throws(StorageError) {
        try await session.execute("set strategy status", """
            UPDATE strategies SET status = \(status.rawValue), updated_at = now(),
                stopped_at = CASE WHEN \(status.rawValue) = 'stopped' THEN now() ELSE NULL END
            WHERE id = \(id)
            """)
    }

    private func deployments(where clause: String, bindings: [String]) async throws(StorageError) -> [StrategyDeploymentRecord] {
        let t = "strategies"
        var query = PostgresQuery(unsafeSQL: """
            SELECT s.id, s.name, s.plugin, s.strategy_type, s.version, s.status, s.manifest::text AS manifest, s.symbols,
                s.allocated_capital::text AS allocated_capital, u.username AS created_by,
                (extract(epoch FROM s.deployed_at) * 1000000)::int8 AS deployed_us,
                (extract(epoch FROM s.updated_at) * 1000000)::int8 AS updated_us
            FROM strategies s LEFT JOIN users u ON u.id = s.created_by
            \(clause)
            ORDER BY s.name
            """)
        for binding in bindings { query.binds.append(binding, context: .default) }
        return try await session.rows("read strategies", query).map { row throws(StorageError) in
            StrategyDeploymentRecord(
                id: try row.value("id", table: t), name: StrategyName(try row.value("name", as: String.self, table: t)),
                plugin: try row.value("plugin", table: t), strategyType: try row.value("strategy_type", table: t),
                version: try row.value("version", table: t),
                status: try SQLValues.enumValue(try row.value("status", table: t), table: t, column: "status"),
                manifest: try row.value("manifest", table: t), symbols: try row.value("symbols", table: t),
                allocatedCapital: Money(try SQLValues.fixedPoint(try row.value("allocated_capital", table: t), table: t, column: "allocated_capital")),
                createdBy: try row.value("created_by", table: t),
                deployedAt: try row.value("deployed_us", as: Int64?.self, table: t).map(SQLValues.timestamp(micros:)),
                updatedAt: SQLValues.timestamp(micros: try row.value("updated_us", table: t)))
        }
    }
}

extension UserRepository {
    /// How many users exist (0 before the first setup).
    public func count() async throws(StorageError) -> Int {
        let rows = try await session.rows("count users", "SELECT count(*)::int8 AS n FROM users")
        guard let row = rows.first else { return 0 }
        return Int(try row.value("n", as: Int64.self, table: "users"))
    }

    /// Every user, by username.
    public func all() async throws(StorageError) -> [UserRecord] {
        let t = "users"
        let rows = try await session.rows("read users", """
            SELECT id, username, email, role, two_factor_enabled, risk_preferences::text AS risk_preferences, is_active
            FROM users ORDER BY username
            """)
        return try rows.map { row throws(StorageError) in
            UserRecord(id: try row.value("id", table: t), username: try row.value("username", table: t),
                       email: try row.value("email", table: t),
                       role: try SQLValues.enumValue(try row.value("role", table: t), table: t, column: "role"),
                       twoFactorEnabled: try row.value("two_factor_enabled", table: t),
                       riskPreferences: try row.value("risk_preferences", table: t), isActive: try row.value("is_active", table: t))
        }
    }

    /// Whether `username` may apply migrations: an active admin, or anyone while there is no user
    /// yet (also before the users table exists: a fresh database). The one role check outside
    /// operator_grants, because it must answer on a schema too old to have that table (013).
    public func mayApplyMigrations(username: String) async throws(StorageError) -> Bool {
        let table = try await session.rows("look for the users table", "SELECT to_regclass('users') IS NOT NULL AS present")
        guard let present = table.first, try present.value("present", as: Bool.self, table: "users") else { return true }
        let rows = try await session.rows("check migration rights", """
            SELECT NOT EXISTS (SELECT 1 FROM users)
                OR EXISTS (SELECT 1 FROM users WHERE username = \(username) AND role = 'admin' AND is_active) AS allowed
            """)
        guard let row = rows.first else { return false }
        return try row.value("allowed", as: Bool.self, table: "users")
    }

    /// The database group role (migration 013) of a users.role.
    public static func groupRole(of role: UserRole) -> String { "runtime_" + role.rawValue }

    /// Makes the login role named like `user` (if one exists) a member of the group of its role,
    /// and of no other runtime group; returns the group granted, or nil when there is no such
    /// login role (the embedded cluster's operators are OS users, not roles).
    public func grantGroupRole(of user: UserRecord) async throws(StorageError) -> String? {
        try user.validate()  // the name is then [A-Za-z0-9_.-]: safe inside a quoted identifier
        let rows = try await session.rows("look for the login role \(user.username)",
                                          "SELECT count(*)::int8 AS n FROM pg_roles WHERE rolname = \(user.username) AND rolcanlogin")
        guard let row = rows.first, try row.value("n", as: Int64.self, table: "pg_roles") > 0 else { return nil }
        let group = Self.groupRole(of: user.role)
        let others = UserRole.allCases.map(Self.groupRole(of:)).filter { $0 != group }
        for other in others {
            let member = try await session.rows("check \(other)", "SELECT pg_has_role(\(user.username), \(other), 'MEMBER') AS member")
            if let row = member.first, try row.value("member", as: Bool.self, table: "pg_roles") {
                try await session.execute("revoke \(other)", PostgresQuery(unsafeSQL: "REVOKE \(other) FROM \"\(user.username)\""))
            }
        }
        try await session.execute("grant \(group)", PostgresQuery(unsafeSQL: "GRANT \(group) TO \"\(user.username)\""))
        return group
    }
}

extension RiskEventRepository {
    /// The event with this id, if any.
    public func event(id: Int64) async throws(StorageError) -> RiskEventRecord? {
        try await first("read risk event", where: "id = \(id)")
    }

    /// The newest event that halted this strategy (action_taken = 'halted'), if any.
    public func latestHalt(strategyId: UUID) async throws(StorageError) -> RiskEventRecord? {
        try await first("read the strategy's halting risk event", where: "strategy_id = '\(strategyId.uuidString)' AND action_taken = 'halted'")
    }

    /// The newest event matching `condition` (built from ids and constants only, never from input text).
    private func first(_ operation: String, where condition: String) async throws(StorageError) -> RiskEventRecord? {
        let t = "risk_events"
        let rows = try await session.rows(operation, PostgresQuery(unsafeSQL: """
            SELECT id, acknowledged, acknowledged_by, strategy_id, event_type, severity, description,
                (extract(epoch FROM created_at) * 1000000)::int8 AS created_us, mode
            FROM risk_events WHERE \(condition) ORDER BY created_at DESC, id DESC LIMIT 1
            """))
        return try rows.first.map { row throws(StorageError) in
            RiskEventRecord(id: try row.value("id", table: t), eventType: try row.value("event_type", table: t),
                            severity: try SQLValues.enumValue(try row.value("severity", table: t), table: t, column: "severity"),
                            strategyId: try row.value("strategy_id", table: t), description: try row.value("description", table: t),
                            acknowledged: try row.value("acknowledged", table: t), acknowledgedBy: try row.value("acknowledged_by", table: t),
                            acknowledgedAt: nil, createdAt: SQLValues.timestamp(micros: try row.value("created_us", table: t)),
                            mode: try row.value("mode", as: String?.self, table: t).map { text throws(StorageError) in
                                try SQLValues.enumValue(text, table: t, column: "mode") })
        }
    }
}

/// PostgreSQL LISTEN/NOTIFY channels the runtime uses.
public enum NotificationChannel: String, Sendable {
    /// A strategy's status changed in the database (payload: the strategy name): a running host
    /// re-reads it at once instead of waiting for its next poll.
    case strategyControl = "strategy_control"

    /// Sends `payload` on this channel. Inside a transaction it is delivered on commit (and
    /// dropped on rollback), so listeners never see a change that did not happen.
    public func notify(_ payload: String, on session: any DatabaseSession) async throws(StorageError) {
        try await session.execute("notify \(rawValue)", "SELECT pg_notify(\(rawValue), \(payload))")
    }
}
