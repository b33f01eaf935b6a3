import Risk
import StrategyKit
import TradingCore

/// A command of the strategy that was refused, as its `onOrderRejected` received it, with when.
public struct TestRejection: Hashable, Sendable, CustomStringConvertible {
    /// The submit, cancel or amend that was refused.
    public var command: OrderCommand
    /// A short code: the risk check's (`max_order_quantity`, `price_band_pct`, `strategy_state`, ...,
    /// see `RiskCheck.code`) or the venue's (`venue_rejected`, `cancel_refused`, ...).
    public var code: String
    /// The sentence the strategy was given: what was wrong and the limit involved.
    public var reason: String
    /// When (event time).
    public var at: Timestamp

    /// The order it is about.
    public var orderId: ClientOrderId { command.clientOrderId }
    /// The instrument it is about.
    public var instrument: InstrumentId { command.instrument }
    /// Whether a pre-trade risk check refused it (rather than the venue).
    public var isRiskCheck: Bool { Self.riskCodes.contains(code) }

    /// `max_order_quantity: order ... rejected ...`.
    public var description: String { "\(code): \(reason)" }

    init(_ rejection: OrderRejection, at time: Timestamp) {
        self.command = rejection.command
        self.code = rejection.code
        self.reason = rejection.reason
        self.at = time
    }

    private static let riskCodes = Set(RiskCheck.allCases.map(\.code))
}
