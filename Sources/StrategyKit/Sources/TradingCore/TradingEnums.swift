/// Buy or sell.
public enum Side: String, Sendable, Hashable, CaseIterable, Codable {
    case buy
    case sell

    /// The other side.
    public var opposite: Side { self == .buy ? .sell : .buy }
    /// +1 for buy, -1 for sell.
    public var sign: Int { self == .buy ? 1 : -1 }
}

/// Order types as OKX defines them (`ordType`).
public enum OrderType: String, Sendable, Hashable, CaseIterable, Codable {
    /// Fills immediately against the book at any price.
    case market
    /// Rests at its price until filled or canceled.
    case limit
    /// A limit order that is canceled instead of taking liquidity.
    case postOnly = "post_only"
    /// Immediate-or-cancel: fills what it can at its price now, cancels the rest.
    case ioc
    /// Fill-or-kill: fills completely at its price now, or not at all.
    case fok

    /// Whether the order carries a limit price.
    public var hasLimitPrice: Bool { self != .market }
}

/// Which side of a position an order or holding is on (`posSide`).
public enum PositionSide: String, Sendable, Hashable, CaseIterable, Codable {
    case long
    case short
    /// One-way (net) mode: the position is the signed sum of fills.
    case net
}

/// The lifecycle status of an order, with the seed's `trades.status` values.
public enum OrderStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case pending
    case submitted
    case partiallyFilled = "partially_filled"
    case filled
    case cancelled
    case rejected
    case failed

    /// Whether no further fill can happen.
    public var isTerminal: Bool {
        switch self {
        case .filled, .cancelled, .rejected, .failed: true
        case .pending, .submitted, .partiallyFilled: false
        }
    }
}

/// Where rows and orders come from: never mistake paper or replay for live trading.
public enum TradingMode: String, Sendable, Hashable, CaseIterable, Codable {
    /// Real orders on OKX with real money.
    case live
    /// Real orders on OKX's demo trading: its matching engine, simulated funds.
    case demo
    /// Orders matched by the runtime's paper venue against the live feed.
    case paper
    /// A deterministic replay of recorded data.
    case replay

    /// Whether orders go to OKX (live and demo) rather than to the runtime's own matching.
    public var tradesOnOKX: Bool { self == .live || self == .demo }
}
