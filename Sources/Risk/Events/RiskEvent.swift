import TradingCore

/// How urgent a risk event is (risk_events.severity).
public enum RiskSeverity: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case info
    case warning
    case critical

    private var rank: Int { self == .info ? 0 : self == .warning ? 1 : 2 }
    public static func < (lhs: RiskSeverity, rhs: RiskSeverity) -> Bool { lhs.rank < rhs.rank }
}

/// The kind of risk event (risk_events.event_type).
public enum RiskEventType: String, Sendable, Hashable, CaseIterable, Codable {
    /// An order refused before it reached the venue.
    case orderRejected = "order_rejected"
    /// An order shrunk to fit a cap.
    case orderTrimmed = "order_trimmed"
    /// How many more identical rejections or trims were counted in one window.
    case rejectionSummary = "rejection_summary"
    /// A post-trade monitor crossed a threshold.
    case limitBreach = "limit_breach"
    /// A strategy's trading state changed.
    case stateChange = "state_change"
    /// The global kill switch was engaged or released.
    case killSwitch = "kill_switch"
    /// A data-quality alert or recovery for an instrument.
    case dataQuality = "data_quality"
    /// A strategy threw from one of its callbacks.
    case strategyError = "strategy_error"
    /// The outbox was full and events were dropped (the host is not draining it).
    case eventsDropped = "events_dropped"
}

/// One risk_events row, as a value. The host maps `strategy` to strategies.id; `acknowledged`
/// and friends start empty and belong to the operator.
public struct RiskEvent: Sendable, Hashable {
    /// risk_events.event_type.
    public var eventType: RiskEventType
    /// risk_events.severity.
    public var severity: RiskSeverity
    /// Nil for account-wide events (kill switch, account daily loss).
    public var strategy: StrategyName?
    /// The instrument symbol, nil when the event is not about one instrument.
    public var symbol: String?
    public var description: String
    /// The measured figure: a check code such as `max_order_quantity`, or a monitor such as `daily_loss`.
    public var metricName: String?
    /// The measured value (exact; NUMERIC in the database).
    public var metricValue: FixedPoint?
    /// The limit it was measured against.
    public var thresholdValue: FixedPoint?
    /// What the engine did, e.g. `rejected`, `trimmed`, `reducing`, `halted`, `none`.
    public var actionTaken: String
    /// When it happened (event time in replay): risk_events.created_at.
    public var createdAt: Timestamp

    /// Creates an event; see the properties for the meaning of each column.
    public init(eventType: RiskEventType, severity: RiskSeverity, strategy: StrategyName?, symbol: String?,
                description: String, metricName: String?, metricValue: FixedPoint?, thresholdValue: FixedPoint?,
                actionTaken: String, createdAt: Timestamp) {
        self.eventType = eventType
        self.severity = severity
        self.strategy = strategy
        self.symbol = symbol
        self.description = description
        self.metricName = metricName
        self.metricValue = metricValue
        self.thresholdValue = thresholdValue
        self.actionTaken = actionTaken
        self.createdAt = createdAt
    }
}
