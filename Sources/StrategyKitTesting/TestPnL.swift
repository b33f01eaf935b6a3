import TradingCore

/// The strategy's profit and loss over all its instruments, in its quote currency, as the host's
/// portfolio accounts it (the same figures its context reads).
public struct TestPnL: Hashable, Sendable, CustomStringConvertible {
    /// Locked in by reductions and closes, before fees.
    public var realized: Money
    /// Of the open positions at their mark prices.
    public var unrealized: Money
    /// Fees paid, valued in the quote currency (a rebate lowers them).
    public var fees: Money
    /// Allocated capital plus ``net``.
    public var equity: Money

    /// Realized plus unrealized, less fees.
    public var net: Money { realized + unrealized - fees }

    /// `realized 1.2, unrealized 0, fees 0.2, net 1.0, equity 10001.0`.
    public var description: String {
        "realized \(realized), unrealized \(unrealized), fees \(fees), net \(net), equity \(equity)"
    }
}
