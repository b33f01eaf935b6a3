import TradingCore

/// Equity (capital + realized + unrealized PnL − fees) at one instant of event time.
public struct EquityPoint: Hashable, Sendable {
    public var time: Timestamp
    public var equity: Money

    public init(time: Timestamp, equity: Money) {
        self.time = time
        self.equity = equity
    }
}

/// When a strategy went from flat to holding something (`exposed`) or back.
public struct ExposureChange: Hashable, Sendable {
    public var time: Timestamp
    public var exposed: Bool

    public init(time: Timestamp, exposed: Bool) {
        self.time = time
        self.exposed = exposed
    }
}
