import TradingCore

/// A trading strategy: the type a quant writes.
///
/// The host creates one instance per deployed manifest with ``init(context:parameters:)`` and then
/// calls its callbacks, one at a time, on the host's event loop (never concurrently, so a strategy
/// needs no locks). Market callbacks deliver validated data for the instruments and channels the
/// manifest subscribes to; order callbacks report what became of the orders the strategy submitted
/// through its ``StrategyContext``.
///
/// Orders are placed with the context (`context.buyLimit(...)`, `context.cancel(...)`, ...). They
/// are not sent while the callback runs: the host collects them right after the callback returns
/// and sends each through the risk engine, so every order is risk-checked.
///
/// Every callback may throw. A strategy that throws is halted on its own (a `strategy_error` risk
/// event is recorded and its callbacks stop); other strategies keep running. A strategy that traps
/// (`fatalError`, a failed force unwrap) takes the whole host down, so prefer throwing.
///
/// Callbacks should return quickly: the host reports callbacks that run past its time budget.
///
/// Implement the callbacks you need. The others have defaults: `start` and `stop` do nothing, and
/// an event callback left out is one the host stops calling (see ``UnusedCallback``), so a
/// strategy pays only for the events it reads.
///
/// ```swift
/// public final class MyStrategy: Strategy {
///     public struct Parameters: Decodable { var period: Int }
///     let context: StrategyContext
///     var average: SimpleMovingAverage
///     public init(context: StrategyContext, parameters: Parameters) throws {
///         self.context = context
///         self.average = try SimpleMovingAverage(period: parameters.period)
///     }
///     public func onTrade(_ trade: TradeTick) throws { average.update(trade.price.value.doubleValue) }
/// }
/// ```
public protocol Strategy: AnyObject {
    /// The strategy's typed parameters, decoded from the manifest's `parameters:` map. Use `Int`,
    /// `Double`, `Bool`, `String`, `FixedPoint`, `Price`, `Quantity`, `Money`, enums with raw
    /// values, optionals, arrays and nested structs. Use ``NoParameters`` when there are none.
    associatedtype Parameters: Decodable

    /// Creates the strategy. Keep the context: it is how the strategy reads its state and trades.
    /// Throw to refuse parameters that decode but make no sense (say which one and why).
    init(context: StrategyContext, parameters: Parameters) throws

    /// Called once before any market data, when the strategy starts trading.
    func start() throws
    /// Called once when the strategy stops (operator stop, host shutdown, end of a replay). Orders
    /// submitted here are still sent (e.g. `context.cancelAll()`).
    func stop() throws

    /// A ticker update for a subscribed instrument (`tickers` channel).
    func onTicker(_ ticker: Ticker) throws
    /// A public trade for a subscribed instrument (`trades` channel).
    func onTrade(_ trade: TradeTick) throws
    /// A candle update (`candle*` channels). Check `candle.isConfirmed` to act only on closed bars.
    func onCandle(_ candle: Candle) throws
    /// The instrument's order book after the host applied a book message (`books*`, `bbo-tbt`).
    func onBook(_ book: OrderBook) throws
    /// A complete time bar of one of the strategy's instruments, built by the host from the
    /// manifest's `bars: {interval: 1m, source: trades}` (see ``Bar`` for when bars complete).
    /// Bars of an instrument arrive in time order; a bar comes before the raw event (trade,
    /// ticker, candle) whose time completed it.
    func onBar(_ bar: Bar) throws

    /// The risk engine and the venue accepted an order; it is now working.
    func onOrderAccepted(_ order: OpenOrder) throws
    /// An order (or an amend or cancel request) was refused; `rejection.reason` says why, e.g. the
    /// risk check that failed.
    func onOrderRejected(_ rejection: OrderRejection) throws
    /// (Part of) an order was filled. The context's positions are already updated when this runs.
    func onFill(_ fill: Fill) throws
    /// An order was canceled (by the strategy, the host, or the venue, e.g. an unfilled IOC).
    func onOrderCanceled(_ order: OpenOrder) throws
}

// The event callbacks a strategy does not implement tell the host so (``UnusedCallback``): the
// host then stops calling them, instead of paying for a call that does nothing on every event.
extension Strategy {
    /// Does nothing.
    public func start() throws {}
    /// Does nothing.
    public func stop() throws {}
    /// Not implemented: the host stops delivering tickers to this strategy.
    public func onTicker(_ ticker: Ticker) throws { throw UnusedCallback() }
    /// Not implemented: the host stops delivering trades to this strategy (its bars of trades still come).
    public func onTrade(_ trade: TradeTick) throws { throw UnusedCallback() }
    /// Not implemented: the host stops delivering candles to this strategy (its bars of candles still come).
    public func onCandle(_ candle: Candle) throws { throw UnusedCallback() }
    /// Not implemented: the host stops delivering books to this strategy.
    public func onBook(_ book: OrderBook) throws { throw UnusedCallback() }
    /// Not implemented: the host stops delivering bars to this strategy.
    public func onBar(_ bar: Bar) throws { throw UnusedCallback() }
    /// Not implemented: the host stops reporting accepted orders to this strategy.
    public func onOrderAccepted(_ order: OpenOrder) throws { throw UnusedCallback() }
    /// Not implemented: the host stops reporting refusals to this strategy.
    public func onOrderRejected(_ rejection: OrderRejection) throws { throw UnusedCallback() }
    /// Not implemented: the host stops reporting fills to this strategy (its positions still follow them).
    public func onFill(_ fill: Fill) throws { throw UnusedCallback() }
    /// Not implemented: the host stops reporting canceled orders to this strategy.
    public func onOrderCanceled(_ order: OpenOrder) throws { throw UnusedCallback() }
}

/// The parameters of a strategy that takes none: the manifest's `parameters:` must then be absent
/// or an empty map.
public struct NoParameters: Decodable, Sendable, Hashable {
    /// Creates the empty parameter set.
    public init() {}
}
