import Foundation
import PostgresNIO
import TradingCore

/// The database's operator functions (migration 013): the one place that decides whether an
/// operator may do something, and the only way a non-admin changes strategies, acknowledges
/// risk events or records a refusal. Each changing function checks the role itself and writes
/// its audit row in the caller's transaction.
///
/// `identity` is the operator the runtime vouches for (see RuntimeHost's `OperatorLogin`); the
/// database honours it only from a superuser session (the embedded cluster), otherwise the
/// session's login role is the operator. `actingAs` names another user an admin acts as.
public struct OperatorFunctions: Sendable {
    let session: any DatabaseSession
    public init(_ session: any DatabaseSession) { self.session = session }

    /// Why the database refused an operator.
    public enum Refusal: Sendable, Hashable {
        /// No users row with that name.
        case unknownUser
        /// The users row is deactivated.
        case inactiveUser
        /// The role does not hold `permission`; `allowed` do.
        case roleRefused(permission: String, allowed: [UserRole])
        /// The login cannot become the first admin (its name is not a valid username).
        case invalidFirstAdmin
    }

    /// The acting user, or why not.
    public struct Authorization: Sendable, Hashable {
        /// users.id; nil when the user does not exist.
        public var userId: UUID?
        /// The user the decision is about (the login, or the user acted as).
        public var username: String
        /// users.role; nil when the user does not exist.
        public var role: UserRole?
        /// nil when allowed.
        public var refusal: Refusal?
    }

    /// Whether the operator (or the user they act as) holds `permission`. On a database without
    /// users the operator becomes the first admin; acting as another is audited as `user.act_as`
    /// for `action`. Refusals are returned, not recorded: see ``recordRefusal``.
    public func authorize(identity: String, actingAs: String?, permission: String, action: String) async throws(StorageError) -> Authorization {
        let t = "runtime_authorize"
        let rows = try await session.rows("authorize \(action)", """
            SELECT user_id, username, role, refusal, refused_permission, allowed_roles
            FROM runtime_authorize(\(identity), \(actingAs), \(permission), \(action))
            """)
        guard let row = rows.first else { throw .database(operation: "authorize \(action)", message: "no row") }
        let role: String? = try row.value("role", table: t)
        var refusal: Refusal?
        switch try row.value("refusal", as: String?.self, table: t) {
        case nil: refusal = nil
        case "unknown_user": refusal = .unknownUser
        case "inactive_user": refusal = .inactiveUser
        case "invalid_first_admin": refusal = .invalidFirstAdmin
        case "role_refused":
            let allowed: [String] = try row.value("allowed_roles", table: t)
            refusal = .roleRefused(permission: try row.value("refused_permission", table: t),
                                   allowed: try allowed.map { text throws(StorageError) in try SQLValues.enumValue(text, table: t, column: "allowed_roles") })
        case let other?: throw .decoding(table: t, column: "refusal", value: other, reason: "not a refusal this runtime knows")
        }
        return Authorization(userId: try row.value("user_id", table: t), username: try row.value("username", table: t),
                             role: try role.map { text throws(StorageError) in try SQLValues.enumValue(text, table: t, column: "role") },
                             refusal: refusal)
    }

    /// Writes a refused request's audit row (success = false), attributed to the operator (or the
    /// user an admin acts as).
    public func recordRefusal(identity: String, actingAs: String?, action: String, resourceType: String, resourceId: String?,
                              oldValue: String? = nil, newValue: String?, error: String) async throws(StorageError) {
        try await session.execute("record the refusal of \(action)", """
            SELECT runtime_record_refusal(\(identity), \(actingAs), \(action), \(resourceType), \(resourceId),
                                          \(oldValue)::jsonb, \(newValue)::jsonb, \(error))
            """)
    }

    /// Why ``controlStrategy`` changed nothing.
    public enum ControlRefusal: String, Sendable, Hashable {
        /// No strategy by that name.
        case unknownStrategy = "unknown_strategy"
        /// The status is no longer the one the runtime read: read it again.
        case statusChanged = "status_changed"
        /// Resuming a strategy the risk engine halted, whose halting event is unacknowledged.
        case haltNotAcknowledged = "halt_not_acknowledged"
        /// Resuming a strategy the risk engine halted, by someone other than an admin.
        case resumeNeedsAdmin = "resume_needs_admin"
    }

    /// What ``controlStrategy`` did.
    public struct ControlResult: Sendable, Hashable {
        /// nil when applied.
        public var refusal: ControlRefusal?
        /// The status found (nil for an unknown strategy).
        public var currentStatus: StrategyStatus?
        /// The risk event written by a halt, or the unacknowledged/acknowledged halting event of a refused resume.
        public var eventId: Int64?
    }

    /// Applies `command` (pause, resume, stop, halt) to `strategy`, from `expected` to
    /// `newStatus`, with its audit row (`oldValue`/`newValue` describe the states), a risk event
    /// for a halt and the strategy_control notification. The database re-checks the permission,
    /// that the status is still `expected`, that `newStatus` is the command's, and separation of
    /// duties on resuming a risk halt.
    public func controlStrategy(identity: String, actingAs: String?, command: String, strategy: StrategyName, expected: StrategyStatus,
                                newStatus: StrategyStatus, reason: String?, oldValue: String, newValue: String) async throws(StorageError) -> ControlResult {
        let t = "runtime_control_strategy"
        let rows = try await session.rows("\(command) strategy \(strategy)", """
            SELECT refusal, current_status, event_id FROM runtime_control_strategy(\(identity), \(actingAs), \(command),
                \(strategy.rawValue), \(expected.rawValue), \(newStatus.rawValue), \(reason), \(oldValue)::jsonb, \(newValue)::jsonb)
            """)
        guard let row = rows.first else { throw .database(operation: "\(command) strategy \(strategy)", message: "no row") }
        return ControlResult(
            refusal: try row.value("refusal", as: String?.self, table: t).map { text throws(StorageError) in
                try SQLValues.enumValue(text, table: t, column: "refusal") },
            currentStatus: try row.value("current_status", as: String?.self, table: t).map { text throws(StorageError) in
                try SQLValues.enumValue(text, table: t, column: "current_status") },
            eventId: try row.value("event_id", table: t))
    }

    /// Why ``acknowledgeRiskEvent`` changed nothing.
    public enum AcknowledgeRefusal: String, Sendable, Hashable {
        /// No risk event with that id.
        case unknownRiskEvent = "unknown_risk_event"
        /// Acknowledged before.
        case alreadyAcknowledged = "already_acknowledged"
    }

    /// Acknowledges risk event `id` with its audit row; returns why not, or nil when done.
    public func acknowledgeRiskEvent(identity: String, actingAs: String?, id: Int64) async throws(StorageError) -> AcknowledgeRefusal? {
        let rows = try await session.rows("acknowledge risk event \(id)",
                                          "SELECT runtime_acknowledge_risk_event(\(identity), \(actingAs), \(id)) AS refusal")
        return try rows.first?.value("refusal", as: String?.self, table: "risk_events").map { text throws(StorageError) in
            try SQLValues.enumValue(text, table: "risk_events", column: "refusal") }
    }

    /// Deploys a validated manifest (`manifest`: its JSON object text) with its audit row, or,
    /// when `unchanged`, writes the audit row only. Returns the fields above the admin's
    /// ceiling, with reasons, in which case nothing was written.
    public func deployStrategy(identity: String, actingAs: String?, manifest: String, parameters: String, riskLimits: String,
                               maxPositionSize: String?, maxLeverage: String, oldValue: String?,
                               unchanged: Bool) async throws(StorageError) -> [(field: String, reason: String)] {
        try RowCheck(table: "strategies").jsonObject(manifest, "manifest")
        let rows = try await session.rows("deploy strategy", """
            SELECT field, reason FROM runtime_deploy_strategy(\(identity), \(actingAs), \(manifest)::jsonb, \(parameters)::jsonb,
                \(riskLimits)::jsonb, \(maxPositionSize)::numeric, \(maxLeverage)::numeric, \(oldValue)::jsonb, \(unchanged))
            """)
        return try rows.map { row throws(StorageError) in
            (field: try row.value("field", table: "strategies"), reason: try row.value("reason", table: "strategies"))
        }
    }
}
