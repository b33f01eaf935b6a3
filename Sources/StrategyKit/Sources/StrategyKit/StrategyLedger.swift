import TradingCore

/// The host's record of one strategy's positions and orders, as its ``StrategyContext`` reads it.
///
/// The context keeps no copy of either: a position is the host portfolio's, an open order is the
/// host's order book of record (the size actually sent after risk trimming, amends the venue
/// confirmed, cancels in flight). So what a strategy reads can never disagree with what the risk
/// engine checks or what the portfolio accounts.
///
/// Strategies never implement this; the host does (and tests use the host's ledger).
public protocol StrategyLedger: AnyObject {
    /// The strategy's position in `instrument` (flat if it never traded it).
    func position(_ instrument: InstrumentId) -> StrategyPosition
    /// The strategy's unfinished orders the host knows of, oldest first.
    var openOrders: [OpenOrder] { get }
}
