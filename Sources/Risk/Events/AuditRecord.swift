import TradingCore

/// One audit_logs row, as a value. The host resolves `user` to users.id (nil for the risk
/// engine, whose actor name is "risk-engine") and fills ip_address/user_agent if it has them.
public struct AuditRecord: Sendable, Hashable {
    /// "risk-engine", or the operator's user name.
    public var actor: String
    /// The operator's user name; nil when the risk engine acted.
    public var user: String?
    /// E.g. `strategy.halt`, `strategy.resume`, `kill_switch.engage`.
    public var action: String
    /// `strategy` or `account`.
    public var resourceType: String
    /// The strategy name (the host maps it to strategies.id) or `kill_switch`.
    public var resourceId: String
    /// The resource before the change (audit_logs.old_value).
    public var oldValue: JSONValue
    /// The resource after the change, or null when the change was refused.
    public var newValue: JSONValue
    /// False when the action was refused (e.g. a viewer tried to resume a strategy).
    public var success: Bool
    /// Why the action was refused.
    public var errorMessage: String?
    /// When it happened (event time in replay).
    public var createdAt: Timestamp

    /// The actor name the risk engine writes.
    public static let riskEngineActor = "risk-engine"

    /// Creates a record; see the properties for the meaning of each column.
    public init(actor: String, user: String?, action: String, resourceType: String, resourceId: String,
                oldValue: JSONValue, newValue: JSONValue, success: Bool, errorMessage: String?, createdAt: Timestamp) {
        self.actor = actor
        self.user = user
        self.action = action
        self.resourceType = resourceType
        self.resourceId = resourceId
        self.oldValue = oldValue
        self.newValue = newValue
        self.success = success
        self.errorMessage = errorMessage
        self.createdAt = createdAt
    }
}
