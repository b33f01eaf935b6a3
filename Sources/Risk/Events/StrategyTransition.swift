import TradingCore

/// One change of a strategy's trading state with everything the host persists for it, in one
/// transaction: the strategies.status update, a risk_events row and an audit_logs row.
public struct StrategyTransition: Sendable, Hashable {
    /// The strategy whose state changed.
    public var strategy: StrategyName
    /// The state before.
    public var from: StrategyTradingState
    /// The state after.
    public var to: StrategyTradingState
    /// Who changed it.
    public var authority: TransitionAuthority
    /// The new strategies.status value (`to.rawValue`).
    public var newStatus: String { to.rawValue }
    /// The risk_events row.
    public var event: RiskEvent
    /// The audit_logs row (old and new state as JSON).
    public var audit: AuditRecord
    /// When it happened (event time in replay).
    public var at: Timestamp

    /// Creates a transition record.
    public init(strategy: StrategyName, from: StrategyTradingState, to: StrategyTradingState,
                authority: TransitionAuthority, event: RiskEvent, audit: AuditRecord, at: Timestamp) {
        self.strategy = strategy
        self.from = from
        self.to = to
        self.authority = authority
        self.event = event
        self.audit = audit
        self.at = at
    }
}

/// What the engine hands the host to persist, in the order it happened.
public enum RiskOutput: Sendable, Hashable {
    /// A risk_events row.
    case event(RiskEvent)
    /// A state change: status update + risk_events row + audit_logs row.
    case transition(StrategyTransition)
    /// An audit_logs row on its own (a refused operator command, the kill switch).
    case audit(AuditRecord)

    /// The risk_events row this output carries, if any.
    public var riskEvent: RiskEvent? {
        switch self {
        case .event(let event): event
        case .transition(let transition): transition.event
        case .audit: nil
        }
    }

    /// The audit_logs row this output carries, if any.
    public var auditRecord: AuditRecord? {
        switch self {
        case .event: nil
        case .transition(let transition): transition.audit
        case .audit(let record): record
        }
    }
}
