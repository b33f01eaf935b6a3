import Foundation
import PostgresNIO
import TradingCore

/// A user's role: what they may do through the CLI.
public enum UserRole: String, Sendable, Hashable, CaseIterable {
    case admin, trader
    case riskOfficer = "risk_officer"
    case viewer
}

/// One row of `users`.
public struct UserRecord: Sendable, Hashable {
    public var id: UUID
    public var username: String
    public var email: String
    public var role: UserRole
    public var twoFactorEnabled: Bool
    /// JSON object text.
    public var riskPreferences: String
    public var isActive: Bool

    public init(id: UUID = UUID(), username: String, email: String, role: UserRole, twoFactorEnabled: Bool = false,
                riskPreferences: String = "{}", isActive: Bool = true) {
        self.id = id; self.username = username; self.email = email; self.role = role
        self.twoFactorEnabled = twoFactorEnabled; self.riskPreferences = riskPreferences; self.isActive = isActive
    }

    /// Refuses what the users table's constraints would refuse.
    public func validate() throws(StorageError) {
        let check = RowCheck(table: "users")
        try check.length(username, "username", max: 50)
        if username.count < 3 || !username.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }) {
            throw check.fail("username", "must be 3-50 of A-Z a-z 0-9 _ . -, got '\(username)'")
        }
        try check.length(email, "email", max: 255)
        guard let at = email.firstIndex(of: "@"), at != email.startIndex else { throw check.fail("email", "must contain '@' after at least one character") }
        try check.jsonObject(riskPreferences, "risk_preferences")
    }
}

/// The lifecycle status of a strategy row.
public enum StrategyStatus: String, Sendable, Hashable, CaseIterable {
    case draft, validating, backtesting
    case paperTrading = "paper_trading"
    case active, paused
    case reducingOnly = "reducing_only"
    case halted, stopped, archived
}

/// One row of `strategies`.
public struct StrategyRecord: Sendable, Hashable {
    public var id: UUID
    public var name: StrategyName
    public var strategyType: String
    public var version: String
    /// JSON object text.
    public var parameters: String
    /// JSON object text.
    public var riskLimits: String
    public var symbols: [String]
    public var status: StrategyStatus
    public var allocatedCapital: Money
    public var maxPositionSize: Quantity?
    public var maxLeverage: FixedPoint
    public var createdBy: UUID?
    public var deployedAt: Timestamp?
    public var stoppedAt: Timestamp?

    public init(id: UUID = UUID(), name: StrategyName, strategyType: String, version: String, parameters: String = "{}",
                riskLimits: String = "{}", symbols: [String], status: StrategyStatus = .draft, allocatedCapital: Money = .zero,
                maxPositionSize: Quantity? = nil, maxLeverage: FixedPoint = FixedPoint(1), createdBy: UUID? = nil,
                deployedAt: Timestamp? = nil, stoppedAt: Timestamp? = nil) {
        self.id = id; self.name = name; self.strategyType = strategyType; self.version = version; self.parameters = parameters
        self.riskLimits = riskLimits; self.symbols = symbols; self.status = status; self.allocatedCapital = allocatedCapital
        self.maxPositionSize = maxPositionSize; self.maxLeverage = maxLeverage; self.createdBy = createdBy
        self.deployedAt = deployedAt; self.stoppedAt = stoppedAt
    }

    /// Refuses what the strategies table's constraints would refuse.
    public func validate() throws(StorageError) {
        let check = RowCheck(table: "strategies")
        try check.length(name.rawValue, "name", max: 100)
        try check.length(strategyType, "strategy_type", max: 50)
        try check.length(version, "version", max: 20)
        try check.jsonObject(parameters, "parameters")
        try check.jsonObject(riskLimits, "risk_limits")
        if symbols.isEmpty { throw check.fail("symbols", "must name at least one instrument") }
        try check.nonNegative(allocatedCapital.value, "allocated_capital")
        try check.positive(maxPositionSize?.value, "max_position_size")
        try check.positive(maxLeverage, "max_leverage")
        if maxLeverage > FixedPoint(125) { throw check.fail("max_leverage", "must be <= 125, got \(maxLeverage)") }
    }
}

/// Reads and writes `users`.
public struct UserRepository: Sendable {
    let session: any DatabaseSession
    public init(_ session: any DatabaseSession) { self.session = session }

    /// Inserts the user (validated first); fails when the username or email is taken.
    public func insert(_ user: UserRecord) async throws(StorageError) {
        try user.validate()
        try await session.execute("insert user \(user.username)", """
            INSERT INTO users (id, username, email, role, two_factor_enabled, risk_preferences, is_active)
            VALUES (\(user.id), \(user.username), \(user.email), \(user.role.rawValue), \(user.twoFactorEnabled),
                    \(user.riskPreferences)::jsonb, \(user.isActive))
            """)
    }

    /// The user with this username, if any.
    public func user(named username: String) async throws(StorageError) -> UserRecord? {
        let rows = try await session.rows("read user", """
            SELECT id, username, email, role, two_factor_enabled, risk_preferences::text AS risk_preferences, is_active
            FROM users WHERE username = \(username)
            """)
        return try rows.first.map { row throws(StorageError) in
            UserRecord(id: try row.value("id", table: "users"), username: try row.value("username", table: "users"),
                       email: try row.value("email", table: "users"),
                       role: try SQLValues.enumValue(try row.value("role", table: "users"), table: "users", column: "role"),
                       twoFactorEnabled: try row.value("two_factor_enabled", table: "users"),
                       riskPreferences: try row.value("risk_preferences", table: "users"), isActive: try row.value("is_active", table: "users"))
        }
    }
}

/// Reads and writes `strategies`.
public struct StrategyRepository: Sendable {
    let session: any DatabaseSession
    public init(_ session: any DatabaseSession) { self.session = session }

    /// Inserts the strategy or updates the one with the same name (keeping its id); returns the id.
    @discardableResult
    public func upsert(_ strategy: StrategyRecord) async throws(StorageError) -> UUID {
        try strategy.validate()
        let rows = try await session.rows("upsert strategy \(strategy.name)", """
            INSERT INTO strategies (id, name, strategy_type, version, parameters, risk_limits, symbols, status, allocated_capital,
                max_position_size, max_leverage, created_by, deployed_at, stopped_at)
            VALUES (\(strategy.id), \(strategy.name.rawValue), \(strategy.strategyType), \(strategy.version), \(strategy.parameters)::jsonb,
                \(strategy.riskLimits)::jsonb, \(strategy.symbols)::text[], \(strategy.status.rawValue),
                \(strategy.allocatedCapital.description)::numeric, \(strategy.maxPositionSize?.description)::numeric,
                \(strategy.maxLeverage.description)::numeric, \(strategy.createdBy),
                TIMESTAMPTZ 'epoch' + \(strategy.deployedAt.map(SQLValues.micros)) * INTERVAL '1 microsecond',
                TIMESTAMPTZ 'epoch' + \(strategy.stoppedAt.map(SQLValues.micros)) * INTERVAL '1 microsecond')
            ON CONFLICT (name) DO UPDATE SET strategy_type = EXCLUDED.strategy_type, version = EXCLUDED.version,
                parameters = EXCLUDED.parameters, risk_limits = EXCLUDED.risk_limits, symbols = EXCLUDED.symbols,
                status = EXCLUDED.status, allocated_capital = EXCLUDED.allocated_capital,
                max_position_size = EXCLUDED.max_position_size, max_leverage = EXCLUDED.max_leverage,
                deployed_at = EXCLUDED.deployed_at, stopped_at = EXCLUDED.stopped_at, updated_at = now()
            RETURNING id
            """)
        guard let row = rows.first else { throw .database(operation: "upsert strategy", message: "no id returned") }
        return try row.value("id", table: "strategies")
    }

    /// Sets a strategy's status; returns false when no strategy has that name.
    @discardableResult
    public func setStatus(_ status: StrategyStatus, of name: StrategyName) async throws(StorageError) -> Bool {
        let rows = try await session.rows("set strategy status", """
            UPDATE strategies SET status = \(status.rawValue), updated_at = now(),
                stopped_at = CASE WHEN \(status.rawValue) = 'stopped' THEN now() ELSE stopped_at END
            WHERE name = \(name.rawValue) RETURNING id
            """)
        return !rows.isEmpty
    }

    /// The id and status of a strategy by name.
    public func find(_ name: StrategyName) async throws(StorageError) -> (id: UUID, status: StrategyStatus)? {
        let rows = try await session.rows("read strategy", "SELECT id, status FROM strategies WHERE name = \(name.rawValue)")
        return try rows.first.map { row throws(StorageError) in
            (try row.value("id", table: "strategies"), try SQLValues.enumValue(try row.value("status", table: "strategies"), table: "strategies", column: "status"))
        }
    }

    /// Names of the strategies whose status is active (served by the partial index).
    public func activeNames() async throws(StorageError) -> [StrategyName] {
        try await session.rows("read active strategies", "SELECT name FROM strategies WHERE status = 'active' ORDER BY name")
            .map { row throws(StorageError) in StrategyName(try row.value("name", table: "strategies")) }
    }
}
