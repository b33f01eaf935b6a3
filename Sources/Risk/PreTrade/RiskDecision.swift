import TradingCore

/// Why an order was refused or trimmed: the check, and the measured value against its
/// threshold (both exact; they become metric_value and threshold_value of the risk_events
/// row). Built without allocating, so rejecting is as cheap as accepting.
public struct RiskBreach: Sendable, Hashable {
    /// The check that refused or trimmed the order (its reason code).
    public var check: RiskCheck
    /// What was measured, in the unit `check.metricMeaning` names.
    public var metricValue: FixedPoint
    /// The limit it was measured against.
    public var thresholdValue: FixedPoint

    /// Creates a breach.
    @inlinable public init(check: RiskCheck, metricValue: FixedPoint, thresholdValue: FixedPoint) {
        self.check = check
        self.metricValue = metricValue
        self.thresholdValue = thresholdValue
    }

    /// The risk_events `metric_name`.
    public var metricName: String { check.code }
}

/// The engine's verdict on one order intent.
public enum RiskDecision: Sendable, Hashable {
    /// Send the order as it is.
    case accepted
    /// Send the order with `newQuantity` instead (on the lot grid, at least the minimum size).
    /// The engine counts `newQuantity`, not the requested quantity, as open.
    case trimmed(newQuantity: Quantity, reason: RiskBreach)
    /// Do not send the order; tell the strategy why.
    case rejected(RiskBreach)

    /// Whether an order (possibly smaller) may go to the venue.
    @inlinable public var allowsOrder: Bool {
        if case .rejected = self { return false }
        return true
    }
}
