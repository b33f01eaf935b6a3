import Risk
import TradingCore

/// A change of the strategy's trading state by the risk engine (e.g. `active` to `reducing` at 80 %
/// of a loss limit, to `halted` at the limit or when a callback threw).
public struct TestStateChange: Hashable, Sendable, CustomStringConvertible {
    /// The state before.
    public var from: StrategyTradingState
    /// The state after.
    public var to: StrategyTradingState
    /// Why, as the risk event says it (the monitor and its value against the limit).
    public var reason: String
    /// When (event time).
    public var at: Timestamp

    /// `active -> reducing: ...`.
    public var description: String { "\(from.rawValue) -> \(to.rawValue): \(reason)" }

    init(_ transition: StrategyTransition) {
        self.from = transition.from
        self.to = transition.to
        self.reason = transition.event.description
        self.at = transition.at
    }
}
