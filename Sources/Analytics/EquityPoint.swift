import TradingCore

/// Equity (capital + realized + unrealized PnL − fees) at one instant of event time.
public struct EquityPoint: Hashable, Sendable {
    /// Event time (the replay's clock).
    public var time: Timestamp
    /// In the quote currency.
    public var equity: Money

    /// A point of a series.
    public init(time: Timestamp, equity: Money) {
        self.time = time
        self.equity = equity
    }
}
